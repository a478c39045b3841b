// SPDX-License-Identifier: GPL-2.0-only
/*
 * MlpMoeKernel: the forward and backward pass of masked top-k routing over MLP
 * experts, by hand. Matrix products go to BLAS through ATen's *_out functions
 * into reused buffers; everything of size [B, E] or [B, C] is a plain loop.
 *
 * Notation (per sample b): z = Wg x + bg, p = softmax(z); the top-k allowed
 * logits get weights w = softmax(z_topk); expert e computes
 * o_e = W2 relu(W1 x + b1) + b2; logits = sum_i w_i o_{e_i}. With
 * g = dCE/dlogits = (softmax(logits) - onehot) / B:
 *   do_e = w_e g,  dw_i = <g, o_{e_i}>,  dz_{e_i} = w_i (dw_i - sum_j w_j dw_j);
 *   aux   = |A| sum_{e in A} f_e mean_b p_e  ->  dp_e = |A| f_e / B   (e in A),
 *   align = -mean_b log m,  m = sum_{e in A} p_e  ->  dp_e = -1 / (B m)  (e in A),
 *   dz += p (dp - <p, dp>);  dWg = dz^T X, dbg = sum_b dz;
 *   dW2 = do^T h, db2 = sum_b do, dh = (do W2) [h > 0], dW1 = dh^T X, db1 = sum_b dh.
 */

#include "mlp-moe-kernel.h"

#include "require.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace fedmoe
{
namespace learning
{

namespace
{

/// Check() with the class name in front of the message.
void
Check(bool ok, const std::string& what)
{
    Require(ok, "MlpMoeKernel: " + what);
}

/// The gradient tensor of \p p, allocated (contiguous, p's shape) if missing.
torch::Tensor
GradOf(torch::Tensor& p)
{
    torch::Tensor g = p.grad();
    if (!g.defined() || !g.is_contiguous() || g.sizes() != p.sizes())
    {
        p.mutable_grad() = torch::empty_like(p, torch::MemoryFormat::Contiguous);
        g = p.grad();
    }
    return g;
}

/// out[c] = sum_r m[r, c] for a [rows, cols] float matrix with row stride \p stride.
void
ColumnSums(const float* m, int64_t rows, int64_t cols, int64_t stride, float* out)
{
    std::fill(out, out + cols, 0.0f);
    for (int64_t r = 0; r < rows; ++r)
    {
        const float* row = m + r * stride;
        for (int64_t c = 0; c < cols; ++c)
        {
            out[c] += row[c];
        }
    }
}

/// Smallest expert gate mass the alignment term differentiates (MoeNetwork clamps there).
constexpr double kMinMass = 1e-12;

} // namespace

MlpMoeKernel::MlpMoeKernel(MoeNetwork& net, std::vector<int64_t> allowed)
    : m_shape(net->Shape()),
      m_allowed(std::move(allowed))
{
    Check(m_shape.expertKind == "mlp",
          "experts are '" + m_shape.expertKind + "'; the kernel handles 'mlp' only");
    Check(!m_allowed.empty(), "no allowed expert");
    for (size_t i = 0; i < m_allowed.size(); ++i)
    {
        Check(m_allowed[i] >= 0 && m_allowed[i] < m_shape.experts,
              "expert id " + std::to_string(m_allowed[i]) + " outside [0, "
                  + std::to_string(m_shape.experts) + ")");
        Check(i == 0 || m_allowed[i] > m_allowed[i - 1],
              "allowed expert ids must be sorted and distinct");
    }
    m_k = std::min<int64_t>(m_shape.topK, int64_t(m_allowed.size()));

    std::vector<torch::Tensor> all;
    for (auto e : m_allowed)
    {
        auto p = net->ExpertParameters(e);
        Check(p.size() == 4, "expert " + std::to_string(e) + " has " + std::to_string(p.size())
                                 + " parameter tensors, expected 4");
        m_bound.push_back(p[0]);
        m_bound.push_back(p[1]);
        m_w2.push_back(p[2]);
        m_b2.push_back(p[3]);
        all.insert(all.end(), p.begin(), p.end());
    }
    auto gate = net->GateParameters();
    m_bound.push_back(gate.at(0));
    m_bound.push_back(gate.at(1));
    all.insert(all.end(), gate.begin(), gate.end());
    for (const auto& p : all)
    {
        Check(p.scalar_type() == torch::kFloat32 && p.device().is_cpu(),
              "parameters must be float32 CPU tensors");
    }
    m_rows = int64_t(m_allowed.size()) * m_shape.hidden + m_shape.experts;
    const auto f = torch::TensorOptions().dtype(torch::kFloat32);
    m_firstW = torch::empty({m_rows, m_shape.inputSize}, f);
    m_firstB = torch::empty({m_rows}, f);
    m_firstGW = torch::zeros({m_rows, m_shape.inputSize}, f);
    m_firstGB = torch::zeros({m_rows}, f);
    Bind();
    m_routed.assign(m_shape.experts, 0);
    m_gateShare.assign(m_shape.experts, 0.0);
}

void
MlpMoeKernel::Bind()
{
    torch::NoGradGuard noGrad;
    int64_t row = 0;
    for (size_t i = 0; i < m_bound.size(); i += 2)
    {
        const int64_t rows = m_bound[i].size(0);
        torch::Tensor views[] = {m_firstW.narrow(0, row, rows), m_firstB.narrow(0, row, rows)};
        torch::Tensor grads[] = {m_firstGW.narrow(0, row, rows), m_firstGB.narrow(0, row, rows)};
        for (size_t t = 0; t < 2; ++t)
        {
            torch::Tensor& p = m_bound[i + t];
            if (p.data_ptr() != views[t].data_ptr())
            {
                views[t].copy_(p);
                p.set_data(views[t]);
            }
            if (!p.grad().defined() || p.grad().data_ptr() != grads[t].data_ptr())
            {
                p.mutable_grad() = grads[t];
            }
        }
        row += rows;
    }
}

bool
MlpMoeKernel::Bound() const
{
    int64_t row = 0;
    for (size_t i = 0; i < m_bound.size(); i += 2)
    {
        const int64_t rows = m_bound[i].size(0);
        const float* w = m_firstW.data_ptr<float>() + row * m_shape.inputSize;
        const float* gw = m_firstGW.data_ptr<float>() + row * m_shape.inputSize;
        const float* b = m_firstB.data_ptr<float>() + row;
        const float* gb = m_firstGB.data_ptr<float>() + row;
        const auto& pw = m_bound[i];
        const auto& pb = m_bound[i + 1];
        if (pw.data_ptr() != w || pb.data_ptr() != b || !pw.grad().defined() || !pb.grad().defined()
            || pw.grad().data_ptr() != gw || pb.grad().data_ptr() != gb)
        {
            return false;
        }
        row += rows;
    }
    return true;
}

void
MlpMoeKernel::Resize(int64_t batch)
{
    if (batch == m_batch)
    {
        return;
    }
    m_batch = batch;
    const auto f = torch::TensorOptions().dtype(torch::kFloat32);
    const size_t a = m_allowed.size();
    m_act = torch::empty({batch, m_rows}, f);
    m_dAct = torch::empty({batch, m_rows}, f);
    m_out.resize(a);
    m_dOut.resize(a);
    m_dHidden.resize(a);
    for (size_t j = 0; j < a; ++j)
    {
        m_out[j] = torch::empty({batch, m_shape.classes}, f);
        m_dOut[j] = torch::empty({batch, m_shape.classes}, f);
        m_dHidden[j] = torch::empty({batch, m_shape.hidden}, f);
    }
    m_p.resize(size_t(batch * m_shape.experts));
    m_w.resize(size_t(batch * m_k));
    m_sel.resize(size_t(batch * m_k));
}

KernelStep
MlpMoeKernel::Step(const torch::Tensor& xIn, const torch::Tensor& yIn, double auxWeight,
                   double alignWeight)
{
    torch::NoGradGuard noGrad;
    const int64_t batch = xIn.size(0);
    const int64_t experts = m_shape.experts;
    const int64_t hidden = m_shape.hidden;
    const int64_t classes = m_shape.classes;
    const int64_t nAllowed = int64_t(m_allowed.size());
    const int64_t k = m_k;
    Check(batch >= 1, "empty batch");
    Check(xIn.scalar_type() == torch::kFloat32, "inputs must be float32");
    Check(xIn.numel() == batch * m_shape.inputSize,
          "inputs have " + std::to_string(xIn.numel() / batch) + " features per sample, expected "
              + std::to_string(m_shape.inputSize));
    Check(yIn.scalar_type() == torch::kInt64 && yIn.dim() == 1 && yIn.size(0) == batch,
          "labels must be int64 [" + std::to_string(batch) + "]");
    const torch::Tensor x = xIn.reshape({batch, m_shape.inputSize}).contiguous();
    const torch::Tensor y = yIn.contiguous();
    const int64_t* label = y.data_ptr<int64_t>();
    for (int64_t b = 0; b < batch; ++b)
    {
        Check(label[b] >= 0 && label[b] < classes, "label " + std::to_string(label[b])
                                                       + " outside [0, " + std::to_string(classes)
                                                       + ")");
    }
    Resize(batch);

    if (!Bound())
    {
        Bind();
    }

    // --- forward: every allowed expert's hidden layer and the gate logits, one product -
    const int64_t rows = m_rows;
    const int64_t gateColumn = nAllowed * hidden;
    at::addmm_out(m_act, m_firstB, x, m_firstW.t());
    float* act = m_act.data_ptr<float>();
    float* dAct = m_dAct.data_ptr<float>();
    for (int64_t b = 0; b < batch; ++b)
    {
        float* h = act + b * rows;
        for (int64_t i = 0; i < gateColumn; ++i)
        {
            h[i] = h[i] > 0.0f ? h[i] : 0.0f;
        }
    }
    for (int64_t j = 0; j < nAllowed; ++j)
    {
        at::addmm_out(m_out[j], m_b2[j], m_act.narrow(1, j * hidden, hidden), m_w2[j].t());
    }

    std::vector<const float*> out(nAllowed);
    std::vector<float*> dOut(nAllowed);
    for (int64_t j = 0; j < nAllowed; ++j)
    {
        out[j] = m_out[j].data_ptr<float>();
        dOut[j] = m_dOut[j].data_ptr<float>();
    }

    // --- per sample: gate softmax, top-k, mixture, cross-entropy and its gradient ---
    std::vector<int64_t> firstCount(nAllowed, 0);
    std::vector<double> logits(classes);
    std::vector<double> g(classes);
    std::vector<double> dw(k);
    double lossSum = 0;
    for (int64_t b = 0; b < batch; ++b)
    {
        const float* zb = act + b * rows + gateColumn;
        float* dzb = dAct + b * rows + gateColumn;
        std::fill(dzb, dzb + experts, 0.0f);
        double* pb = m_p.data() + b * experts;
        const double zMax = *std::max_element(zb, zb + experts);
        double sum = 0;
        for (int64_t e = 0; e < experts; ++e)
        {
            pb[e] = std::exp(double(zb[e]) - zMax);
            sum += pb[e];
        }
        for (int64_t e = 0; e < experts; ++e)
        {
            pb[e] /= sum;
            m_gateShare[e] += pb[e];
        }

        // Top-k of the allowed logits, largest first (ties: lower id first).
        int64_t* sel = m_sel.data() + b * k;
        double* w = m_w.data() + b * k;
        for (int64_t i = 0; i < k; ++i)
        {
            int64_t best = -1;
            for (int64_t j = 0; j < nAllowed; ++j)
            {
                if (std::find(sel, sel + i, j) != sel + i)
                {
                    continue;
                }
                if (best < 0 || zb[m_allowed[j]] > zb[m_allowed[best]])
                {
                    best = j;
                }
            }
            sel[i] = best;
            m_routed[m_allowed[best]] += 1;
        }
        firstCount[sel[0]] += 1;
        const double wMax = zb[m_allowed[sel[0]]];
        double wSum = 0;
        for (int64_t i = 0; i < k; ++i)
        {
            w[i] = std::exp(double(zb[m_allowed[sel[i]]]) - wMax);
            wSum += w[i];
        }
        for (int64_t i = 0; i < k; ++i)
        {
            w[i] /= wSum;
        }

        // Mixture and cross-entropy.
        std::fill(logits.begin(), logits.end(), 0.0);
        for (int64_t i = 0; i < k; ++i)
        {
            const float* o = out[sel[i]] + b * classes;
            for (int64_t c = 0; c < classes; ++c)
            {
                logits[c] += w[i] * double(o[c]);
            }
        }
        if (!m_classScale.empty())
        {
            for (int64_t c = 0; c < classes; ++c)
            {
                logits[c] *= m_classScale[c];
            }
        }
        const double lMax = *std::max_element(logits.begin(), logits.end());
        double lSum = 0;
        for (int64_t c = 0; c < classes; ++c)
        {
            g[c] = std::exp(logits[c] - lMax);
            lSum += g[c];
        }
        lossSum += lMax + std::log(lSum) - logits[label[b]];
        for (int64_t c = 0; c < classes; ++c)
        {
            g[c] = g[c] / lSum / double(batch);
        }
        g[label[b]] -= 1.0 / double(batch);
        if (!m_classScale.empty())
        {
            // Through the scaling: dCE/d(mixture logit c) = scale_c dCE/d(scaled logit c).
            for (int64_t c = 0; c < classes; ++c)
            {
                g[c] *= m_classScale[c];
            }
        }

        // Experts' output gradients (zero for the allowed experts outside the top-k).
        for (int64_t j = 0; j < nAllowed; ++j)
        {
            std::fill(dOut[j] + b * classes, dOut[j] + (b + 1) * classes, 0.0f);
        }
        double wdw = 0;
        for (int64_t i = 0; i < k; ++i)
        {
            const float* o = out[sel[i]] + b * classes;
            float* d = dOut[sel[i]] + b * classes;
            double dot = 0;
            for (int64_t c = 0; c < classes; ++c)
            {
                d[c] = float(w[i] * g[c]);
                dot += g[c] * double(o[c]);
            }
            dw[i] = dot;
            wdw += w[i] * dot;
        }
        for (int64_t i = 0; i < k; ++i)
        {
            dzb[m_allowed[sel[i]]] = float(w[i] * (dw[i] - wdw));
        }
    }

    // --- auxiliary terms: through the full softmax ------------------------------------
    KernelStep result;
    result.loss = lossSum / double(batch);
    {
        std::vector<double> meanP(nAllowed, 0.0);
        std::vector<double> dpAux(nAllowed, 0.0);
        for (int64_t j = 0; j < nAllowed; ++j)
        {
            dpAux[j] = auxWeight * double(nAllowed) * double(firstCount[j]) / double(batch)
                       / double(batch);
        }
        std::vector<double> dp(nAllowed);
        double alignSum = 0;
        for (int64_t b = 0; b < batch; ++b)
        {
            const double* pb = m_p.data() + b * experts;
            double mass = 0;
            for (int64_t j = 0; j < nAllowed; ++j)
            {
                mass += pb[m_allowed[j]];
                meanP[j] += pb[m_allowed[j]];
            }
            alignSum += -std::log(std::max(mass, kMinMass));
            const double dAlign = mass >= kMinMass ? -alignWeight / (double(batch) * mass) : 0.0;
            double pdp = 0;
            for (int64_t j = 0; j < nAllowed; ++j)
            {
                dp[j] = dpAux[j] + dAlign;
                pdp += pb[m_allowed[j]] * dp[j];
            }
            if (auxWeight == 0 && alignWeight == 0)
            {
                continue;
            }
            float* dzb = dAct + b * rows + gateColumn;
            for (int64_t e = 0; e < experts; ++e)
            {
                dzb[e] += float(-pb[e] * pdp);
            }
            for (int64_t j = 0; j < nAllowed; ++j)
            {
                dzb[m_allowed[j]] += float(pb[m_allowed[j]] * dp[j]);
            }
        }
        double aux = 0;
        for (int64_t j = 0; j < nAllowed; ++j)
        {
            aux += double(firstCount[j]) / double(batch) * meanP[j] / double(batch);
        }
        result.auxLoss = double(nAllowed) * aux;
        result.alignLoss = alignSum / double(batch);
    }

    // --- backward: second layers, then the hidden layers' gradients next to dz ----------
    for (int64_t j = 0; j < nAllowed; ++j)
    {
        torch::Tensor gw2 = GradOf(m_w2[j]);
        torch::Tensor gb2 = GradOf(m_b2[j]);
        const torch::Tensor h = m_act.narrow(1, j * hidden, hidden);
        at::mm_out(gw2, m_dOut[j].t(), h);
        ColumnSums(dOut[j], batch, classes, classes, gb2.data_ptr<float>());
        at::mm_out(m_dHidden[j], m_dOut[j], m_w2[j]);
        const float* dh = m_dHidden[j].data_ptr<float>();
        for (int64_t b = 0; b < batch; ++b)
        {
            const float* hb = act + b * rows + j * hidden;
            float* db = dAct + b * rows + j * hidden;
            const float* dhb = dh + b * hidden;
            for (int64_t i = 0; i < hidden; ++i)
            {
                db[i] = hb[i] > 0.0f ? dhb[i] : 0.0f;
            }
        }
    }
    // One product for every first layer and the gate.
    at::mm_out(m_firstGW, m_dAct.t(), x);
    ColumnSums(dAct, batch, rows, rows, m_firstGB.data_ptr<float>());
    return result;
}

void
MlpMoeKernel::SetClassScale(std::vector<double> scale)
{
    Check(scale.empty() || int64_t(scale.size()) == m_shape.classes,
          std::to_string(scale.size()) + " class factors for " + std::to_string(m_shape.classes)
              + " classes");
    for (double f : scale)
    {
        Check(f > 0.0 && f <= 1.0, "class factor " + std::to_string(f) + " outside (0, 1]");
    }
    m_classScale = std::move(scale);
}

const std::vector<int64_t>&
MlpMoeKernel::Routed() const
{
    return m_routed;
}

const std::vector<double>&
MlpMoeKernel::GateShare() const
{
    return m_gateShare;
}

void
MlpMoeKernel::ResetStatistics()
{
    std::fill(m_routed.begin(), m_routed.end(), 0);
    std::fill(m_gateShare.begin(), m_gateShare.end(), 0.0);
}

const std::vector<int64_t>&
MlpMoeKernel::Allowed() const
{
    return m_allowed;
}

double
MlpMoeKernel::FlopsPerSample() const
{
    const double d = double(m_shape.inputSize);
    const double h = double(m_shape.hidden);
    const double c = double(m_shape.classes);
    const double gate = 2.0 * d * double(m_shape.experts); // forward
    // forward (D*H + H*C) + dW2 (H*C) + dh (H*C) + dW1 (D*H), 2 FLOPs each
    const double expert = 2.0 * (2.0 * d * h + 3.0 * h * c);
    return 2.0 * gate + double(m_allowed.size()) * expert;
}

} // namespace learning
} // namespace fedmoe
