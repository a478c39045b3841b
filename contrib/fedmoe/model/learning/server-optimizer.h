// SPDX-License-Identifier: GPL-2.0-only
/*
 * ServerOptimizer: how the server moves the global model towards the merged
 * client updates: plain FedAvg (take the merge), server momentum (FedAvgM) or
 * server Adam (FedAdam), after Reddi et al., "Adaptive Federated
 * Optimization", ICLR 2021, Algorithm 2, and Hsu et al., "Measuring the
 * Effects of Non-Identical Data Distribution for Federated Visual
 * Classification", 2019 (FedAvgM).
 */

#ifndef FEDMOE_LEARNING_SERVER_OPTIMIZER_H
#define FEDMOE_LEARNING_SERVER_OPTIMIZER_H

#include <torch/torch.h>

#include <map>
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
 * \brief The server's step rule and its constants.
 */
struct ServerOptimizerOptions
{
    std::string kind = "none"; //!< "none" (x = merge) | "momentum" (FedAvgM) | "adam" (FedAdam)
    double learningRate = 1.0; //!< server step size eta, > 0
    double momentum = 0.9;     //!< beta1 in [0, 1): momentum / Adam's first moment
    double beta2 = 0.99;       //!< Adam's second moment decay, in [0, 1)
    double epsilon = 1e-3;     //!< Adam's adaptivity tau, > 0
};

/**
 * \brief Checks the options.
 * \throws std::invalid_argument naming the bad value and what is allowed
 */
void ValidateServerOptimizerOptions(const ServerOptimizerOptions& options);

/**
 * \brief Moves parameter groups (the gate, each expert) of the global model.
 *
 * With Delta = merged - global (the mean client update, a pseudo-gradient
 * pointing downhill):
 * - none:     x <- x + Delta (FedAvg: the merge itself);
 * - momentum: m <- beta1 m + Delta;                 x <- x + eta m;
 * - adam:     m <- beta1 m + (1 - beta1) Delta;
 *             v <- beta2 v + (1 - beta2) Delta^2;   x <- x + eta m / (sqrt(v) + tau).
 * Moments start at zero and are kept per group name; a group advances them
 * only in rounds in which it was merged (an expert nobody trained keeps its
 * parameters and its state).
 */
class ServerOptimizer
{
  public:
    /// \brief \param options the rule (validated)
    explicit ServerOptimizer(const ServerOptimizerOptions& options = {});

    /// \brief The rule in force.
    const ServerOptimizerOptions& GetOptions() const;

    /**
     * \brief Applies one server step to a group.
     * \param group the group's name (its moments are kept under it)
     * \param global the group's global parameters, updated in place
     * \param merged the merge of the clients' versions, same shapes
     * \throws std::invalid_argument for mismatched shapes
     */
    void Step(const std::string& group, const std::vector<torch::Tensor>& global,
              const std::vector<torch::Tensor>& merged);

    /// \brief Forgets every moment (e.g. when the rule changes).
    void Reset();

  private:
    /// First and second moments of one group, one tensor per parameter.
    struct Moments
    {
        std::vector<torch::Tensor> first;  //!< m
        std::vector<torch::Tensor> second; //!< v (adam only)
    };

    ServerOptimizerOptions m_options;       //!< the rule
    std::map<std::string, Moments> m_state; //!< per group
};

/** @} */
} // namespace learning
} // namespace fedmoe

#endif // FEDMOE_LEARNING_SERVER_OPTIMIZER_H
