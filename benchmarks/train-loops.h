// SPDX-License-Identifier: GPL-2.0-only
/*
 * fedmoe-bench-train's measurement loops (included by train.cc only): the
 * thread setting, seeded batches, the sgemm ceiling, the plain LibTorch
 * reference loop, our kernel's loop and its per-part breakdown.
 */

#ifndef FEDMOE_BENCHMARKS_TRAIN_LOOPS_H
#define FEDMOE_BENCHMARKS_TRAIN_LOOPS_H

#include "fedmoe/learning/blas-threads.h"
#include "fedmoe/learning/mlp-moe-kernel.h"
#include "fedmoe/learning/moe-network.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <utility>
#include <vector>

namespace fedmoe_bench
{

using namespace fedmoe::learning;

using Clock = std::chrono::steady_clock;

/// Seconds since \p start.
inline double
Since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Both LibTorch's and OpenBLAS's thread pools.
inline void
SetThreads(int n)
{
    at::set_num_threads(n);
    LimitBlasThreads(n);
}

constexpr int64_t kBatch = 64;
constexpr double kLearningRate = 0.05;
constexpr double kAuxWeight = 0.01;

/// Benchmark sizes.
struct Sizes
{
    int64_t singleSteps = 400;   //!< steps of the one-client measurements
    int64_t clients = 64;        //!< clients of the round
    int64_t clientSamples = 900; //!< shard size per client (one epoch each)
    int64_t epochs = 10;         //!< centralised epochs at most
};

/// A seeded stream of batches from a shard.
class Batches
{
  public:
    Batches(const torch::Tensor& x, const torch::Tensor& y, std::vector<int64_t> shard,
            uint64_t seed)
        : m_x(x),
          m_y(y),
          m_order(std::move(shard)),
          m_rng(seed)
    {
    }

    /// The next batch (inputs [kBatch, D], labels [kBatch]).
    std::pair<torch::Tensor, torch::Tensor> Next()
    {
        if (m_slot + kBatch > int64_t(m_order.size()) || !m_tensor.defined())
        {
            std::shuffle(m_order.begin(), m_order.end(), m_rng);
            m_tensor = torch::tensor(m_order, torch::kInt64);
            m_slot = 0;
        }
        auto index = m_tensor.narrow(0, m_slot, kBatch);
        m_slot += kBatch;
        return {m_x.index_select(0, index), m_y.index_select(0, index)};
    }

  private:
    torch::Tensor m_x;
    torch::Tensor m_y;
    std::vector<int64_t> m_order;
    std::mt19937_64 m_rng;
    torch::Tensor m_tensor;
    int64_t m_slot = 0;
};

/// GFLOP/s of torch::mm on [m, k] x [k, n], one thread, ~0.3 s.
inline double
SgemmGflops(int64_t m, int64_t k, int64_t n, bool transposeA)
{
    auto a = transposeA ? torch::randn({k, m}).t() : torch::randn({m, k});
    auto b = torch::randn({k, n});
    auto c = torch::empty({m, n});
    for (int i = 0; i < 20; ++i)
    {
        at::mm_out(c, a, b);
    }
    int64_t reps = 0;
    const auto start = Clock::now();
    double seconds = 0;
    while ((seconds = Since(start)) < 0.3)
    {
        for (int i = 0; i < 50; ++i)
        {
            at::mm_out(c, a, b);
        }
        reps += 50;
    }
    return 2.0 * double(m * k * n) * double(reps) / seconds / 1e9;
}

/// Parameters of the gate and the allowed experts.
inline std::vector<torch::Tensor>
Trained(MoeNetwork& net, const std::vector<int64_t>& allowed)
{
    auto params = net->GateParameters();
    for (auto e : allowed)
    {
        for (auto& p : net->ExpertParameters(e))
        {
            params.push_back(p);
        }
    }
    return params;
}

/**
 * The straightforward LibTorch loop: autograd, each allowed expert runs on the
 * samples routed to it (index_select) and adds its weighted output back
 * (index_add_), Switch aux loss, SGD. Returns samples/s.
 */
inline double
ReferenceLoop(const MoeShape& shape, const torch::Tensor& x, const torch::Tensor& y,
              const std::vector<int64_t>& shard, const std::vector<int64_t>& allowed, int64_t steps,
              int threads, double* lossOut)
{
    SetThreads(threads);
    torch::manual_seed(11);
    MoeNetwork net(shape);
    auto gate = net->GateParameters();
    std::vector<std::vector<torch::Tensor>> experts;
    for (auto e : allowed)
    {
        experts.push_back(net->ExpertParameters(e));
    }
    torch::optim::SGD sgd(Trained(net, allowed), torch::optim::SGDOptions(kLearningRate));
    auto mask = torch::full({shape.experts}, -std::numeric_limits<float>::infinity());
    for (auto e : allowed)
    {
        mask[e] = 0.0f;
    }
    auto allowedIds = torch::tensor(allowed, torch::kInt64);
    const int64_t k = std::min<int64_t>(shape.topK, int64_t(allowed.size()));
    Batches batches(x, y, shard, 5);
    double lossSum = 0;
    const auto start = Clock::now();
    for (int64_t step = 0; step < steps; ++step)
    {
        auto [xb, yb] = batches.Next();
        sgd.zero_grad();
        auto z = torch::nn::functional::linear(xb, gate[0], gate[1]);
        auto probs = torch::softmax(z, 1);
        auto [topValues, topIndex] = (z + mask).topk(k, 1);
        auto weights = torch::softmax(topValues, 1);
        auto logits = torch::zeros({xb.size(0), shape.classes});
        for (size_t j = 0; j < allowed.size(); ++j)
        {
            auto hit = topIndex.eq(allowed[j]).nonzero(); // [n, 2]: (sample, slot)
            if (hit.size(0) == 0)
            {
                continue;
            }
            auto rows = hit.select(1, 0);
            auto w = weights.index({rows, hit.select(1, 1)});
            auto h = torch::relu(torch::nn::functional::linear(xb.index_select(0, rows),
                                                               experts[j][0], experts[j][1]));
            auto o = torch::nn::functional::linear(h, experts[j][2], experts[j][3]);
            logits = logits.index_add(0, rows, o * w.unsqueeze(1));
        }
        auto ce = torch::nn::functional::cross_entropy(logits, yb);
        auto first = torch::one_hot(topIndex.select(1, 0), shape.experts).to(torch::kFloat32);
        auto aux = double(allowed.size())
                   * (first.mean(0).index_select(0, allowedIds)
                      * probs.mean(0).index_select(0, allowedIds))
                         .sum();
        (ce + kAuxWeight * aux).backward();
        sgd.step();
        if (step == steps - 1)
        {
            lossSum = ce.item<double>();
        }
    }
    const double seconds = Since(start);
    *lossOut = lossSum;
    return double(steps * kBatch) / seconds;
}

/// MlpMoeKernel + SGD, no facade. Returns samples/s.
inline double
KernelLoop(const MoeShape& shape, const torch::Tensor& x, const torch::Tensor& y,
           const std::vector<int64_t>& shard, const std::vector<int64_t>& allowed, int64_t steps,
           double* lossOut)
{
    SetThreads(1);
    torch::manual_seed(11);
    MoeNetwork net(shape);
    torch::optim::SGD sgd(Trained(net, allowed), torch::optim::SGDOptions(kLearningRate));
    MlpMoeKernel kernel(net, allowed);
    Batches batches(x, y, shard, 5);
    double loss = 0;
    const auto start = Clock::now();
    for (int64_t step = 0; step < steps; ++step)
    {
        auto [xb, yb] = batches.Next();
        loss = kernel.Step(xb, yb, kAuxWeight, 0.0).loss;
        sgd.step();
    }
    const double seconds = Since(start);
    *lossOut = loss;
    return double(steps * kBatch) / seconds;
}

/// Best-of-3 microseconds of \p f run \p reps times.
template<typename F>
double
MicrosPerCall(int reps, F&& f)
{
    double best = 1e300;
    for (int r = 0; r < 3; ++r)
    {
        const auto start = Clock::now();
        for (int i = 0; i < reps; ++i)
        {
            f();
        }
        best = std::min(best, Since(start) / reps * 1e6);
    }
    return best;
}

/// Where a kernel step's time goes: the step alone, the batch gather, the SGD update.
inline void
KernelBreakdown(const MoeShape& shape, const torch::Tensor& x, const torch::Tensor& y,
                const std::vector<int64_t>& shard, const std::vector<int64_t>& allowed)
{
    SetThreads(1);
    MoeNetwork net(shape);
    torch::optim::SGD sgd(Trained(net, allowed), torch::optim::SGDOptions(1e-6));
    MlpMoeKernel kernel(net, allowed);
    Batches batches(x, y, shard, 5);
    auto [xb, yb] = batches.Next();
    const double step = MicrosPerCall(200,
                                      [&]()
                                      {
                                          kernel.Step(xb, yb, kAuxWeight, 0.0);
                                      });
    const double gather = MicrosPerCall(200,
                                        [&]()
                                        {
                                            batches.Next();
                                        });
    const double update = MicrosPerCall(200,
                                        [&]()
                                        {
                                            sgd.step();
                                        });
    const double flops = kernel.FlopsPerSample() * double(kBatch);
    std::printf("  breakdown per batch: kernel step %.0f us (%.1f GFLOP/s on its %.1f MFLOP), "
                "gather %.0f us, SGD step %.0f us\n",
                step, flops / step / 1e3, flops / 1e6, gather, update);
}

} // namespace fedmoe_bench

#endif // FEDMOE_BENCHMARKS_TRAIN_LOOPS_H
