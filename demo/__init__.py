"""The demo LA and the generated large LA, built through every app's services (imported by none)."""
