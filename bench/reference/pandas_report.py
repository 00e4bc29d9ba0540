"""What `perfsight report` is weighed against: pandas read_csv + numpy percentiles."""
import sys

import numpy as np
import pandas as pd

frame = pd.read_csv(sys.argv[1])
latency = frame["latency_ms"].to_numpy()[frame["success"].to_numpy(dtype=bool)]
print(np.percentile(latency, [50, 90, 95, 99, 99.9]), latency.mean(), latency.std())
