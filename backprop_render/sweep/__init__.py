"""Many variants of the lecture at once, on Dask: the plan, the tasks a worker
runs, the run itself and the index of its variants."""
