"""Many variants of the lecture at once, on Dask: the plan, the tasks a worker runs (and
the store they add their renders to), the run itself, each variant's folder assembled
from the store, and the index of the variants."""
