// SPDX-License-Identifier: GPL-2.0-only
/*
 * FederatedMoe::Impl: the LibTorch state behind the facade, shared by the
 * learning core's FederatedMoe sources (not installed; LibTorch inside).
 */

#ifndef FEDMOE_LEARNING_FEDERATED_MOE_IMPL_H
#define FEDMOE_LEARNING_FEDERATED_MOE_IMPL_H

#include "federated-moe.h"
#include "local-trainer.h"
#include "moe-network.h"
#include "server-optimizer.h"
#include "tensor-codec.h"

namespace fedmoe
{
namespace learning
{

/// LibTorch state of a FederatedMoe.
class FederatedMoe::Impl
{
  public:
    Impl(const ModelOptions& model, const TrainOptions& train);

    ModelOptions m_model;         //!< as given
    TrainOptions m_train;         //!< as given
    Precision m_precision;        //!< parameters on the wire
    LocalTrainer m_trainer;       //!< local training
    MoeShape m_shape;             //!< the mixture
    torch::Tensor m_trainX;       //!< [N, inputSize]
    torch::Tensor m_trainY;       //!< [N]
    torch::Tensor m_testX;        //!< [M, inputSize]
    torch::Tensor m_testY;        //!< [M]
    int64_t m_classes = 0;        //!< classes
    MoeNetwork m_global{nullptr}; //!< the global model
    ServerOptimizer m_server;     //!< moves the global model towards each merge
};

} // namespace learning
} // namespace fedmoe

#endif // FEDMOE_LEARNING_FEDERATED_MOE_IMPL_H
