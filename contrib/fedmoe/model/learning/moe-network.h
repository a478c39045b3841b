// SPDX-License-Identifier: GPL-2.0-only
/*
 * MoeNetwork: a gating network and E experts (MLP or small CNN) with top-k routing that can be
 * restricted to the experts a client was assigned.
 */

#ifndef FEDMOE_LEARNING_MOE_NETWORK_H
#define FEDMOE_LEARNING_MOE_NETWORK_H

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace fedmoe
{
namespace learning
{
/** \addtogroup fedmoe-learning
 * @{
 */

/**
 * \brief Shape of the mixture.
 */
struct MoeShape
{
    int64_t inputSize = 784; //!< flattened input features
    int64_t classes = 10;    //!< output classes
    int64_t experts = 8;     //!< E
    int64_t topK = 2;        //!< experts mixed per sample
    int64_t hidden = 64;     //!< hidden width of each MLP expert
    /// "mlp" (input-hidden-classes) or "cnn" (two 3x3 conv + pool layers, then a linear
    /// layer; needs image inputs of channels x height x width = inputSize)
    std::string expertKind = "mlp";
    int64_t channels = 1; //!< image channels (cnn experts)
    int64_t height = 28;  //!< image height (cnn experts)
    int64_t width = 28;   //!< image width (cnn experts)
};

/**
 * \brief FLOPs of one forward pass of one sample through the gate (multiply-adds x 2).
 * \param shape the mixture
 * \return FLOPs
 */
double GateForwardFlops(const MoeShape& shape);

/**
 * \brief FLOPs of one forward pass of one sample through one expert, from its layer shapes.
 * \param shape the mixture
 * \return FLOPs
 */
double ExpertForwardFlops(const MoeShape& shape);

/**
 * \brief What one forward pass produces.
 */
struct MoeOutput
{
    torch::Tensor logits;    //!< [B, classes]
    torch::Tensor gateProbs; //!< [B, E] the gate's full softmax over all experts
    torch::Tensor routing;   //!< [B, E] renormalised top-k weights, zero elsewhere
    torch::Tensor auxLoss;   //!< Switch-style load-balancing loss over the allowed experts
    torch::Tensor alignLoss; //!< -log of the gate mass on the allowed experts (0 if all allowed)
};

/**
 * \brief Gate + experts. Only the allowed experts run, so the others get no gradient.
 */
struct MoeNetworkImpl : torch::nn::Module
{
    /**
     * \brief Builds the gate (linear, input -> E) and E experts (MLP or CNN).
     * \throws std::invalid_argument if topK is not in [1, experts], a size is < 1,
     *         the expert kind is unknown, or a CNN's image shape does not match inputSize
     */
    explicit MoeNetworkImpl(const MoeShape& shape);

    /**
     * \brief Forward pass.
     * \param x [B, ...] inputs, flattened to [B, inputSize]
     * \param allowed sorted expert ids routing may use; empty means all
     * \param topK experts mixed per sample (0: the shape's top-k)
     * \return logits, routing and the auxiliary terms
     */
    MoeOutput Forward(const torch::Tensor& x, const std::vector<int64_t>& allowed = {},
                      int64_t topK = 0);

    /// \brief The gate's parameters (weight, bias).
    std::vector<torch::Tensor> GateParameters();

    /// \brief Expert \p e's parameters.
    std::vector<torch::Tensor> ExpertParameters(int64_t e);

    /// \brief The shape it was built with.
    const MoeShape& Shape() const;

  private:
    MoeShape m_shape;                             //!< sizes
    torch::nn::Linear m_gate{nullptr};            //!< router
    std::vector<torch::nn::Sequential> m_experts; //!< E experts

    /// \brief Builds one expert of the configured kind.
    torch::nn::Sequential MakeExpert() const;
};

TORCH_MODULE(MoeNetwork);

/** @} */
} // namespace learning
} // namespace fedmoe

#endif // FEDMOE_LEARNING_MOE_NETWORK_H
