"""Load benchmarks that start newsportal as production runs it (README, end of "Search")."""
