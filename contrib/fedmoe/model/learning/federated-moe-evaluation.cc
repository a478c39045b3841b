// SPDX-License-Identifier: GPL-2.0-only
/*
 * FederatedMoe's evaluations: the global model on the test set, and
 * personalised (routing restricted to a client's experts) on held-out
 * splits, one client or many at once.
 */

#include "evaluator.h"
#include "federated-moe-impl.h"
#include "federated-moe.h"
#include "require.h"

#include <algorithm>
#include <limits>
#include <map>

namespace fedmoe
{
namespace learning
{

Evaluation
FederatedMoe::Evaluate() const
{
    return EvaluateRestricted(m_impl->m_global, m_impl->m_testX, m_impl->m_testY, {}, 1000,
                              m_impl->m_model.evalTopK);
}

Evaluation
FederatedMoe::EvaluateOn(const std::vector<int64_t>& indices,
                         const std::vector<uint32_t>& experts) const
{
    const int64_t n = m_impl->m_trainX.size(0);
    for (int64_t i : indices)
    {
        Require(i >= 0 && i < n, "FederatedMoe::EvaluateOn: sample index " + std::to_string(i)
                                     + " outside [0, " + std::to_string(n) + ")");
    }
    std::vector<int64_t> allowed;
    for (uint32_t e : experts)
    {
        Require(e < Experts(), "FederatedMoe::EvaluateOn: expert " + std::to_string(e)
                                   + " outside [0, " + std::to_string(Experts()) + ")");
        allowed.push_back(e);
    }
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    auto idx = torch::tensor(indices, torch::kInt64);
    return EvaluateRestricted(m_impl->m_global, m_impl->m_trainX.index_select(0, idx),
                              m_impl->m_trainY.index_select(0, idx), allowed);
}

std::vector<double>
FederatedMoe::AccuracyOn(const std::vector<std::vector<int64_t>>& indices,
                         const std::vector<std::vector<uint32_t>>& experts) const
{
    Require(indices.size() == experts.size(),
            "FederatedMoe::AccuracyOn: " + std::to_string(indices.size()) + " index lists for "
                + std::to_string(experts.size()) + " expert lists");
    const int64_t n = m_impl->m_trainX.size(0);
    // Jobs by the (sorted, distinct) experts they allow.
    std::map<std::vector<int64_t>, std::vector<size_t>> groups;
    for (size_t j = 0; j < indices.size(); ++j)
    {
        for (int64_t i : indices[j])
        {
            Require(i >= 0 && i < n, "FederatedMoe::AccuracyOn: sample index " + std::to_string(i)
                                         + " outside [0, " + std::to_string(n) + ")");
        }
        std::vector<int64_t> allowed;
        for (uint32_t e : experts[j])
        {
            Require(e < Experts(), "FederatedMoe::AccuracyOn: expert " + std::to_string(e)
                                       + " outside [0, " + std::to_string(Experts()) + ")");
            allowed.push_back(e);
        }
        std::sort(allowed.begin(), allowed.end());
        allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
        groups[allowed].push_back(j);
    }
    std::vector<double> accuracy(indices.size(), std::numeric_limits<double>::quiet_NaN());
    torch::NoGradGuard noGrad;
    constexpr int64_t kBatch = 1024;
    for (const auto& [allowed, jobs] : groups)
    {
        std::vector<int64_t> rows;
        for (size_t j : jobs)
        {
            rows.insert(rows.end(), indices[j].begin(), indices[j].end());
        }
        if (rows.empty())
        {
            continue;
        }
        auto idx = torch::tensor(rows, torch::kInt64);
        auto x = m_impl->m_trainX.index_select(0, idx);
        auto y = m_impl->m_trainY.index_select(0, idx);
        std::vector<uint8_t> right;
        right.reserve(rows.size());
        for (int64_t start = 0; start < int64_t(rows.size()); start += kBatch)
        {
            const int64_t b = std::min<int64_t>(kBatch, int64_t(rows.size()) - start);
            MoeOutput out = m_impl->m_global->Forward(x.narrow(0, start, b), allowed);
            auto hits
                = out.logits.argmax(1).eq(y.narrow(0, start, b)).to(torch::kUInt8).contiguous();
            const uint8_t* p = hits.data_ptr<uint8_t>();
            right.insert(right.end(), p, p + b);
        }
        size_t at = 0;
        for (size_t j : jobs)
        {
            const size_t m = indices[j].size();
            if (m > 0)
            {
                size_t hit = 0;
                for (size_t k = 0; k < m; ++k)
                {
                    hit += right[at + k];
                }
                accuracy[j] = double(hit) / double(m);
            }
            at += m;
        }
    }
    return accuracy;
}

} // namespace learning
} // namespace fedmoe
