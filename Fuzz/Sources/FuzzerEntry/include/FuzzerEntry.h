// Intentionally empty: the target only provides the program's entry point.
