"""secaimed: thin Kaapana operators that run the secaimed bridge container (Java) per DAG run."""
