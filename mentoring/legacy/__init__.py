"""The migration history of the models that lived in the single ``mentoring`` app before each domain got an app
of its own (programs, partnerships, surveys). Its app label stays ``mentoring`` so databases created before the split
upgrade in place: its last migration hands the models over to the new apps without touching a table.
It holds no code besides its migrations."""
