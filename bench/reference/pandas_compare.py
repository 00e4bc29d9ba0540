"""What `perfsight compare` is weighed against: pandas read_csv of both runs + scipy's
Mann-Whitney U test and the same percentiles."""
import sys

import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu


def latencies(path):
    frame = pd.read_csv(path)
    return frame["latency_ms"].to_numpy()[frame["success"].to_numpy(dtype=bool)]


baseline, current = latencies(sys.argv[1]), latencies(sys.argv[2])
print(mannwhitneyu(baseline, current))
print(np.percentile(baseline, [50, 95, 99]), np.percentile(current, [50, 95, 99]))
