#pragma once
// log and exp built from IEEE-754 basic operations only (+, -, *, /, sqrt), which are
// correctly rounded on every conforming machine. libm's log/exp are not required to be,
// and differ between library versions: random variates built on them would not give the
// same bytes on every machine for a given seed.
namespace quantlab {

/// Natural logarithm of x > 0 (relative error below 1e-15); -inf at 0, NaN below.
double det_log(double x);

/// e^x (relative error below 1e-15); 0 below -745, +inf above 709.8.
double det_exp(double x);

}  // namespace quantlab
