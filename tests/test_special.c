/* test_special.c -- the special-function terms of the bound against independent values

   Copyright (C) 2026 The vbgmm developers

   This program is free software: you can redistribute it and/or modify
   it under the terms of the GNU General Public License as published by
   the Free Software Foundation, either version 3 of the License, or
   (at your option) any later version.

   This program is distributed in the hope that it will be useful,
   but WITHOUT ANY WARRANTY; without even the implied warranty of
   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
   GNU General Public License for more details.

   You should have received a copy of the GNU General Public License
   along with this program.  If not, see <https://www.gnu.org/licenses/>.  */

/* The reference values were computed with mpmath at 30 digits from the
   formulas of PRML (B.79, B.81, B.82, 10.65, 10.66, B.23), independently
   of this code.  */

#include <config.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_test.h>

#include "dirichlet.h"
#include "wishart.h"

int
main (void)
{
  static const struct
  {
    size_t d;
    double nu, ln_det_W, e_ln_det, ln_b, entropy;
  } w[] = {
    { 1, 1.5, -0.25, -0.64271369922652686021, -0.53564133685125435354,
      1.1249629120446226385 },
    { 3, 5.5, 0.7, 4.4183614868258642761, -9.8762443291804972326,
      14.812473214061099025 },
    { 5, 1000.25, -12.5, 22.025003264245239074, -8485.8633767430944038,
      37.308629005179929216 },
    /* An emptied component: nu barely above its prior value.  */
    { 2, 2.0000000000000022, 0, -1.1544313298030584835,
      -2.5310242469692895231, 3.9538085820677637512 },
  };
  const double tol = 1e-13;

  gsl_set_error_handler_off ();
  for (size_t i = 0; i < sizeof w / sizeof *w; i++)
    {
      double e, b, h;
      gsl_test (vbgmm_wishart_e_ln_det (w[i].d, w[i].nu, w[i].ln_det_W, &e),
                "E[ln|Lambda|] status, case %zu", i);
      gsl_test_rel (e, w[i].e_ln_det, tol, "E[ln|Lambda|] (10.65), case %zu", i);
      gsl_test (vbgmm_wishart_ln_b (w[i].d, w[i].nu, w[i].ln_det_W, &b),
                "ln B status, case %zu", i);
      gsl_test_rel (b, w[i].ln_b, tol, "ln B(W, nu) (B.79), case %zu", i);
      gsl_test (vbgmm_wishart_entropy (w[i].d, w[i].nu, w[i].ln_det_W, e, &h),
                "entropy status, case %zu", i);
      gsl_test_rel (h, w[i].entropy, tol, "H[q(Lambda)] (B.82), case %zu", i);
    }

  /* q(pi): alpha = alpha0 + N with alpha0 = 0.001, one component empty.  */
  const double alpha[4] = { 0.5, 2, 7.25, 0.001 };
  const double N[4] = { 0.499, 1.999, 7.249, 0 };
  const double e_ln_pi_ref[4] = { -4.1887275584830326753, -1.8024331973631420565,
                                  -0.31476400557787316747, -1002.8007894642719097 };
  double e_ln_pi[4], ln_c, terms;
  gsl_test (vbgmm_dirichlet_e_ln_pi (4, alpha, e_ln_pi), "E[ln pi] status");
  for (size_t k = 0; k < 4; k++)
    gsl_test_rel (e_ln_pi[k], e_ln_pi_ref[k], tol, "E[ln pi_%zu] (10.66)", k);
  gsl_test (vbgmm_dirichlet_ln_c (4, alpha, &ln_c), "ln C status");
  gsl_test_rel (ln_c, -2.2872991754616065471, tol, "ln C(alpha) (B.23)");
  gsl_test (vbgmm_dirichlet_bound (4, 0.001, alpha, N, e_ln_pi, &terms),
            "Dirichlet bound status");
  gsl_test_rel (terms, -19.82225117697345668, 1e-12,
                "E[ln p(Z|pi)] + E[ln p(pi)] - E[ln q(pi)]");

  double upd[4];
  vbgmm_dirichlet_update (4, 0.001, N, upd);
  for (size_t k = 0; k < 4; k++)
    gsl_test_rel (upd[k], alpha[k], 1e-15, "alpha_%zu = alpha0 + N_%zu (10.58)", k, k);

  return gsl_test_summary ();
}
