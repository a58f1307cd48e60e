"""Pages of the organisations app, a module a subject: sign-in, people, term dates, the rest."""
