"""Score a long table kept in many files on a Dask cluster: ``pip install 'perfrules[dask]'``
(docs/batch.md).

::

    from distributed import Client, LocalCluster
    from perfrules.batch.dask import run_dask

    with Client(LocalCluster(n_workers=2)) as client:
        summary = run_dask("units-*.csv", "results.parquet", client=client)

Each file is a partition of whole units, read and scored on a worker by
:func:`perfrules.batch.run_batch` (the exact engine), and the four result
tables are merged, in the order of the files, through perfrules' own writers:
what ``perfrules batch`` writes for each file, concatenated. A unit cut at a
file boundary is scored whole from all its rows. With ``audit=``, each part's
audit trail is merged, in file order, into one audit file and index. A live
progress line (units done / total, rate) shows on stderr when it is a
terminal. Importing this module needs nothing beyond
perfrules; :func:`run_dask` needs the ``dask`` extra.
"""

from perfrules.batch._dask import Progress, dask_missing, run_dask, table_files

__all__ = ["Progress", "dask_missing", "run_dask", "table_files"]
