// SPDX-License-Identifier: GPL-2.0-only
/*
 * The learning core's options as ns-3 Objects, so that scenario scripts,
 * command lines (--ns3::FedMoeModel::Experts=16), Config::SetDefault and
 * ConfigStore set them the ns-3 way, and --PrintAttributes lists them.
 *
 * Each Object is a thin face of one plain option struct of the learning core
 * (ModelOptions, TrainOptions, PartitionOptions, AggregationOptions): its
 * attributes read and write the struct's fields, and their defaults are the
 * struct's, so a default is written once. The four share one idea, so they
 * share one file pair (as the alignment policies do).
 */

#ifndef FEDMOE_LEARNING_OPTIONS_H
#define FEDMOE_LEARNING_OPTIONS_H

#include "fedmoe-options-object.h"
#include "fedmoe/learning/federated-moe.h"
#include "fedmoe/learning/partitioner.h"

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief The model and its data: data set, experts, top-k, expert kind,
 *        codec precision, evaluation (fedmoe::learning::ModelOptions).
 */
class FedMoeModel : public FedMoeOptionsObject<fedmoe::learning::ModelOptions>
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();
};

/**
 * \ingroup fedmoe-federation
 * \brief How a client trains locally: optimizer, step size, batch, loss
 *        weights (fedmoe::learning::TrainOptions).
 */
class FedMoeTraining : public FedMoeOptionsObject<fedmoe::learning::TrainOptions>
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();
};

/**
 * \ingroup fedmoe-federation
 * \brief How the training set is split over the clients: iid, classes,
 *        dirichlet or quantity (fedmoe::learning::PartitionOptions; the
 *        number of shards is the number of clients installed).
 */
class FedMoePartition : public FedMoeOptionsObject<fedmoe::learning::PartitionOptions>
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();
};

/**
 * \ingroup fedmoe-federation
 * \brief How the server merges updates: the gate, the rule per expert and
 *        the server optimizer (fedmoe::learning::AggregationOptions).
 */
class FedMoeAggregation : public FedMoeOptionsObject<fedmoe::learning::AggregationOptions>
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();
};

} // namespace ns3

#endif // FEDMOE_LEARNING_OPTIONS_H
