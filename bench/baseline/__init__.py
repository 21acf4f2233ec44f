"""A bare Django project to compare the site with (`make bench`): no database, no app code."""
