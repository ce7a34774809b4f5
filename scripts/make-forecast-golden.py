"""
Reference cases for lib/forecast (seasonality, exponential smoothing, Theta) on synthetic series, made
with statsmodels; written to spec/fixtures/forecast-golden.json. Each case:

  x            the series (monthly-like, m = 12, positive)
  acf          r_0 … r_m (statsmodels.tsa.stattools.acf, fft=False)
  seasonal     the 90 % test |r_m| > 1.645·sqrt((1 + 2·Σ_{k<m} r_k²)/n)
  indices      seasonal_decompose(x, "multiplicative", period=m).seasonal[:m]
  ses          SimpleExpSmoothing(x, initialization_method="estimated").fit(): alpha, level0, sse, forecast
  damped       Holt(x, damped_trend=True, initialization_method="estimated").fit(): alpha, beta, phi,
               level0, trend0, sse, forecast
  theta        ThetaModel(x, period=m, use_test=False).fit() (deseasonalised multiplicatively): alpha, b0, forecast

    /usr/bin/python3 scripts/make-forecast-golden.py > spec/fixtures/forecast-golden.json
"""
import json, warnings
import numpy as np
import statsmodels
from statsmodels.tsa.stattools import acf
from statsmodels.tsa.seasonal import seasonal_decompose
from statsmodels.tsa.holtwinters import SimpleExpSmoothing, Holt
from statsmodels.tsa.forecasting.theta import ThetaModel

warnings.filterwarnings("ignore")
M, H = 12, 18


def series(seed, n, trend, season, walk, noise, level=100.0):
    """(level + trend·t + a random walk) · (1 + season·sin) + white noise, rounded to 6 decimals."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    s = 1 + season * np.sin(2 * np.pi * t / M + seed)
    w = np.cumsum(rng.normal(0, walk, n))
    return np.round((level + trend * t + w) * s + rng.normal(0, noise, n), 6)


def case(name, x):
    r = acf(x, nlags=M, fft=False)
    seasonal = bool(abs(r[M]) > 1.645 * np.sqrt((1 + 2 * np.sum(r[1:M] ** 2)) / len(x)))
    ses = SimpleExpSmoothing(x, initialization_method="estimated").fit()
    damped = Holt(x, damped_trend=True, initialization_method="estimated").fit()
    theta = ThetaModel(x, period=M, use_test=False).fit()
    p = damped.params
    return {
        "name": name, "m": M, "h": H, "x": x.tolist(), "acf": r.tolist(), "seasonal": seasonal,
        "indices": np.asarray(seasonal_decompose(x, model="multiplicative", period=M).seasonal[:M]).tolist(),
        "ses": {"alpha": ses.params["smoothing_level"], "level0": ses.params["initial_level"], "sse": ses.sse, "forecast": ses.forecast(H).tolist()},
        "damped": {"alpha": p["smoothing_level"], "beta": p["smoothing_trend"], "phi": p["damping_trend"], "level0": p["initial_level"],
                   "trend0": p["initial_trend"], "sse": damped.sse, "forecast": damped.forecast(H).tolist()},
        "theta": {"alpha": float(theta.params["alpha"]), "b0": float(theta.params["b0"]), "forecast": np.asarray(theta.forecast(H)).tolist()},
    }


cases = [
    case("trend-season", series(1, 96, 0.8, 0.25, 1.5, 3.0)),
    case("flat-season", series(2, 120, 0.0, 0.3, 0.5, 4.0)),
    case("trend-no-season", series(3, 84, 1.2, 0.0, 1.0, 5.0)),
    case("random-walk", series(4, 60, 0.0, 0.0, 4.0, 0.0)),
    case("noisy-level", series(7, 100, 0.0, 0.0, 0.8, 6.0)),
    case("weak-season", series(5, 110, -0.2, 0.05, 1.0, 4.0, 200.0)),
    case("short", series(6, 48, 0.5, 0.2, 0.5, 2.0)),
]
print(json.dumps({"format": "forecast-golden", "version": 1, "statsmodels": statsmodels.__version__, "cases": cases}, indent=1))
