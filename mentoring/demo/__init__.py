"""The demo organisation `make run` loads (manage.py load_demo)."""
