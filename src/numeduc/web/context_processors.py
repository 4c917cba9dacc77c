"""Values every template needs."""

from numeduc import __version__


def site(request):
    return {"numeduc_version": __version__}
