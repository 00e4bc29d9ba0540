/**
 * The normal distribution's tail, precise far out: p-values of large comparisons are tiny
 * and must not round to 0 before they reach α. Complementary error function after
 * Numerical Recipes' Chebyshev fit (relative error < 1.2e-7 everywhere).
 */
import { createRequire } from 'node:module';

export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z > z) for a standard normal Z. */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return 0.5 * erfc(z / Math.SQRT2);
}

interface Normal {
  inv(p: number, mean: number, sd: number): number;
}
let loaded: Normal | undefined;
/**
 * jstat's `jStat.normal` (jstat is CommonJS without types), loaded on first use: only
 * comparisons need it, and loading it at start-up cost every command some 30 ms.
 */
function normal(): Normal {
  const require = createRequire(import.meta.url);
  return (loaded ??= (require('jstat') as { jStat: { normal: Normal } }).jStat.normal);
}

/** The z with probability `p` below it. */
export function normalQuantile(p: number): number {
  return normal().inv(p, 0, 1);
}
