"""The panel's services, one module a stage: meetings, agenda, decisions, minutes."""
