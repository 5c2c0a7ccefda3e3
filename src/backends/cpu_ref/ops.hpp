// cpu-ref kernels: plain single-threaded loops, written for obviousness, not speed. They are
// the definition every other backend's kernels are tested against. Templated so that the
// gradient check can run the same code in float64.
// One header per kind of op, in the order every backend's ops.hpp lists them.
#pragma once

#include "backends/cpu_ref/ops/dense.hpp"
#include "backends/cpu_ref/ops/sparse.hpp"
#include "backends/cpu_ref/ops/pointwise.hpp"
#include "backends/cpu_ref/ops/loss.hpp"
#include "backends/cpu_ref/ops/adam.hpp"
