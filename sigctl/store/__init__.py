"""Persistence of ARM documents: a sharded JSON tree with atomic multi-file commits."""

from sigctl.store.transaction import Key, Store, Transaction

__all__ = ["Key", "Store", "Transaction"]
