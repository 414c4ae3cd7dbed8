from execcenter.scope import officer_of


def officer(request):
    user = getattr(request, "user", None)
    return {"officer": officer_of(user) if user is not None and user.is_authenticated else None}
