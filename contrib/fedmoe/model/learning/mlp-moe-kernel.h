// SPDX-License-Identifier: GPL-2.0-only
/*
 * MlpMoeKernel: a hand-written forward and backward pass of a MoeNetwork with
 * MLP experts, restricted to a client's allowed experts. It writes the same
 * gradients autograd would, with a dozen BLAS calls and plain loops instead of
 * an autograd graph, so a local training step costs a fraction of the
 * autograd one on the small shapes of edge clients.
 */

#ifndef FEDMOE_LEARNING_MLP_MOE_KERNEL_H
#define FEDMOE_LEARNING_MLP_MOE_KERNEL_H

#include "moe-network.h"

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace fedmoe
{
namespace learning
{
/** \addtogroup fedmoe-learning
 * @{
 */

/**
 * \brief What one kernel step computed (loss values only; the gradients are
 *        written into the parameters).
 */
struct KernelStep
{
    double loss = 0;      //!< cross-entropy, mean over the batch (without the extra terms)
    double auxLoss = 0;   //!< Switch load-balancing term, as MoeOutput::auxLoss
    double alignLoss = 0; //!< gate-alignment term, as MoeOutput::alignLoss
};

/**
 * \brief Forward + backward of a MoeNetwork with MLP experts, by hand.
 *
 * Computes exactly what MoeNetworkImpl::Forward() with \c allowed, then
 * cross_entropy + auxWeight * auxLoss + alignWeight * alignLoss and
 * backward() would leave in the gradients of the gate and of the allowed
 * experts, without building an autograd graph. The other experts are neither
 * read nor written.
 *
 * The kernel holds handles to the network's parameter tensors: an optimiser
 * that updates them in place (SGD, Adam) works on the same storage, so the
 * usual loop is Step() then optimizer.step(), with no zero_grad() (Step()
 * overwrites the gradients).
 *
 * To run the gate and all allowed first layers as one matrix product (and
 * their weight gradients as another), the kernel moves their values into
 * one [|A| H + E, D] buffer and makes those parameters and their gradients
 * views of it (Tensor::set_data, as "param.data = ..." does): same values,
 * same tensors for the module and its optimiser, but the storage is now the
 * kernel's (kept alive by the views). If something rebinds them (set_data,
 * a new gradient tensor), the next Step() binds them again.
 *
 * Not thread-safe (reuses its buffers); one kernel per network and thread.
 */
class MlpMoeKernel
{
  public:
    /**
     * \brief Binds to the gate and the allowed experts of \p net.
     * \param net a network with "mlp" experts
     * \param allowed sorted, distinct expert ids in [0, E), non-empty
     * \throws std::invalid_argument if the experts are not MLPs or \p allowed is bad
     */
    MlpMoeKernel(MoeNetwork& net, std::vector<int64_t> allowed);

    /**
     * \brief One forward and backward pass, under a NoGradGuard.
     *
     * Overwrites the gradients (p.mutable_grad()) of the gate's weight and bias
     * and of every allowed expert's four tensors with the gradient of
     * CE + auxWeight * aux + alignWeight * align, and adds this batch to the
     * routing statistics (Routed(), GateShare()).
     *
     * \param x inputs [B, D] float32 ([B, ...] is flattened), B >= 1
     * \param y labels [B] int64 in [0, classes)
     * \param auxWeight weight of the load-balancing term
     * \param alignWeight weight of the gate-alignment term
     * \return the loss values
     * \throws std::invalid_argument for a shape or type mismatch
     */
    KernelStep Step(const torch::Tensor& x, const torch::Tensor& y, double auxWeight,
                    double alignWeight);

    /**
     * \brief Scales the mixture's logits per class before the cross-entropy
     *        (FedRS's restricted softmax: the classes a client does not hold get
     *        a factor below 1); empty (the default): no scaling.
     * \param scale one factor per class, in (0, 1]
     * \throws std::invalid_argument for a wrong size or a factor outside (0, 1]
     */
    void SetClassScale(std::vector<double> scale);

    /// \brief Per expert (all E): samples whose top-k held it, summed over the steps.
    const std::vector<int64_t>& Routed() const;

    /// \brief Per expert (all E): sum over the samples of the gate's full softmax.
    const std::vector<double>& GateShare() const;

    /// \brief Sets Routed() and GateShare() back to zero.
    void ResetStatistics();

    /// \brief The allowed experts.
    const std::vector<int64_t>& Allowed() const;

    /**
     * \brief FLOPs of one training sample as this kernel does it: the gate and
     *        the allowed experts forward, their weight gradients, the hidden
     *        layers' input gradients (no gradient with respect to the input).
     */
    double FlopsPerSample() const;

  private:
    std::vector<double> m_classScale; //!< per-class logit factors (empty: none)
    /// \brief Sizes the per-batch buffers for \p batch samples.
    void Resize(int64_t batch);

    /// \brief Makes the first layers and the gate views of the fused buffers (again).
    void Bind();
    /// \brief True if the first layers, the gate and their gradients still are those views.
    bool Bound() const;

    MoeShape m_shape;               //!< sizes
    std::vector<int64_t> m_allowed; //!< allowed experts, sorted
    int64_t m_k = 1;                //!< min(topK, |allowed|)
    int64_t m_rows = 0;             //!< |allowed| * H + E: rows of the fused first layer

    /// The parameters that live in the fused buffers, as (weight, bias) pairs:
    /// each allowed expert's first layer, then the gate.
    std::vector<torch::Tensor> m_bound;
    torch::Tensor m_firstW;          //!< [rows, D] fused weights
    torch::Tensor m_firstB;          //!< [rows] fused biases
    torch::Tensor m_firstGW;         //!< [rows, D] their gradient
    torch::Tensor m_firstGB;         //!< [rows] their gradient
    std::vector<torch::Tensor> m_w2; //!< per allowed expert [C, H]
    std::vector<torch::Tensor> m_b2; //!< per allowed expert [C]

    int64_t m_batch = -1;                 //!< batch size the buffers hold
    torch::Tensor m_act;                  //!< [B, rows]: hidden layers (after ReLU), gate logits
    torch::Tensor m_dAct;                 //!< [B, rows]: their gradients
    std::vector<torch::Tensor> m_out;     //!< per allowed expert [B, C]
    std::vector<torch::Tensor> m_dOut;    //!< per allowed expert [B, C]
    std::vector<torch::Tensor> m_dHidden; //!< per allowed expert [B, H] (before the ReLU mask)
    std::vector<double> m_p;              //!< [B, E] gate softmax
    std::vector<double> m_w;              //!< [B, k] top-k weights
    std::vector<int64_t> m_sel;           //!< [B, k] top-k, as positions in m_allowed

    std::vector<int64_t> m_routed;   //!< statistics, per expert
    std::vector<double> m_gateShare; //!< statistics, per expert
};

/** @} */
} // namespace learning
} // namespace fedmoe

#endif // FEDMOE_LEARNING_MLP_MOE_KERNEL_H
