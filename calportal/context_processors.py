from django.conf import settings

TEXT_SIZES = ("normal", "large", "xlarge")


def site(request):
    text_size = request.COOKIES.get("text_size", "normal")
    return {
        "SITE_NAME": settings.SITE_NAME,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        "CONTACT_PHONE": settings.CONTACT_PHONE,
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "text_size": text_size if text_size in TEXT_SIZES else "normal",
    }
