"""Values every template needs."""

from numeduc import __version__


def site(request):
    from numeduc.web.surveys.models import Campaign

    # A banner on every page as soon as the instance holds demonstration data.
    return {
        "numeduc_version": __version__,
        "demo_data": Campaign.objects.filter(is_demo=True).exists(),
    }
