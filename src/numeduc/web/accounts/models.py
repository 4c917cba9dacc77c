"""Users and roles (filled in by the accounts app)."""

from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    pass
