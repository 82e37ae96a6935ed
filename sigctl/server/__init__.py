"""`sigctl serve`: the emulated cloud over HTTPS, on Azure's own paths.

This package maps HTTP onto the provider's one request interface (sigctl.provider.api) and
holds no rules of its own. It is imported only by `sigctl serve`: the server stack (uvicorn,
starlette, cryptography) is an optional extra, `pip install 'sigctl[serve]'`.
"""
