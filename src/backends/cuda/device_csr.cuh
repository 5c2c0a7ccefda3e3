// A CSR matrix in device memory, cut into items by the backend's long-row policy
// (spmm_item_length) as it is uploaded: what every SpMM of the cuda backend reads.
#pragma once

#include "backends/cuda/device_memory.cuh"
#include "backends/cuda/ops.cuh"
#include "core/csr.hpp"

namespace gcn::cuda {

struct DeviceCsr {
  int64_t rows = 0, cols = 0, num_items = 0, item_len = 0;
  DeviceArray<int64_t> row_ptr;
  DeviceArray<int32_t> col;
  DeviceArray<float> val;
  DeviceArray<int32_t> item_row;
  DeviceArray<int64_t> item_begin;

  void upload(MemoryCounter& mc, const Csr<float>& a, const char* what, cudaStream_t stream) {
    rows = a.rows;
    cols = a.cols;
    row_ptr.upload(mc, a.row_ptr, what, stream);
    col.upload(mc, a.col, what, stream);
    val.upload(mc, a.val, what, stream);
    num_items = 0;
    item_len = spmm_item_length(a.row_ptr);
    if (item_len > 0) {  // cut every row into pieces of item_len entries, accumulate atomically
      std::vector<int32_t> ir;
      std::vector<int64_t> ib;
      spmm_items(a.row_ptr, item_len, ir, ib);
      num_items = static_cast<int64_t>(ir.size());
      item_row.upload(mc, ir, what, stream);
      item_begin.upload(mc, ib, what, stream);
      GCN_CUDA_CHECK(cudaStreamSynchronize(stream));  // ir/ib die here
    }
    GCN_CUDA_CHECK(cudaStreamSynchronize(stream));
  }
  // Rows [first, first + count) of this matrix (no items: only for unsplit matrices).
  CsrView view(int64_t first = 0, int64_t count = -1) const {
    CsrView v;
    v.rows = count < 0 ? rows : count;
    v.cols = cols;
    v.row_ptr = row_ptr.get() + first;
    v.col = col.get();
    v.val = val.get();
    if (num_items > 0) {
      v.num_items = num_items;
      v.item_row = item_row.get();
      v.item_begin = item_begin.get();
      v.item_len = item_len;
    }
    return v;
  }
};

}  // namespace gcn::cuda
