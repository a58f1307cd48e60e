"""AP referrals from schools: the draft in sections, evidence, submission and the LA's triage."""
