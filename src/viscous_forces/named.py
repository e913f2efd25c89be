"""Snakemake's named lists as plain, picklable lists: what a job's script reads as ``snakemake.input``,
``snakemake.params``, ... (:class:`~viscous_forces.jobs.Job`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


class Named(list):
    """A list whose entries may also have names (attribute access), like Snakemake's ``Namedlist``.

    Parameters
    ----------
    items : iterable
        The entries, in order.
    names : mapping, optional
        Name -> value (a value may be a list of entries, e.g. the files of an ``expand``).
    """

    def __init__(self, items: Iterable = (), names: Mapping[str, Any] | None = None):
        super().__init__(items)
        self._names = dict(names or {})

    def __getattr__(self, name: str):
        names = self.__dict__.get("_names", {})
        if name in names:
            return names[name]
        raise AttributeError(name)

    def keys(self):
        """The names.

        Returns
        -------
        KeysView
            The names of the named entries.
        """
        return self._names.keys()

    def items(self):
        """Name-value pairs of the named entries.

        Returns
        -------
        ItemsView
            (name, value) pairs.
        """
        return self._names.items()


def plain(value):
    """Snakemake's file and list types as plain str and list (picklable without Snakemake).

    Parameters
    ----------
    value : object
        A string (Snakemake's file names are str subclasses), mapping, list or tuple, or other value.

    Returns
    -------
    object
        The same value with every string a plain ``str``, every mapping a ``dict`` and every
        sequence a ``list``, recursively.
    """
    if isinstance(value, str):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def as_named(namedlist) -> Named:
    """A Snakemake ``Namedlist`` as a :class:`Named` of plain values (:func:`plain`).

    Parameters
    ----------
    namedlist : snakemake.io.Namedlist or list
        The entries, with their names if it has any.

    Returns
    -------
    Named
        The same entries and names.
    """
    names = dict(namedlist.items()) if hasattr(namedlist, "items") else {}
    return Named(plain(list(namedlist)), {k: plain(v) for k, v in names.items()})
