// SPDX-License-Identifier: GPL-2.0-only
/*
 * AlignmentInput and Assignment: what an alignment policy reads (participants,
 * their profiles and channel, the model's cost, fitness and usage scores,
 * round constraints) and what it returns (client -> sorted expert ids).
 */

#ifndef FEDMOE_SCHEDULING_ALIGNMENT_INPUT_H
#define FEDMOE_SCHEDULING_ALIGNMENT_INPUT_H

#include "capacity-estimator.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace fedmoe
{
namespace scheduling
{
/** \addtogroup fedmoe-scheduling
 * @{
 */

/**
 * \brief One participant of a round.
 */
struct ClientInfo
{
    uint32_t id = 0;            //!< client id (unique within the input)
    CapacityProfile profile;    //!< what it reports
    ChannelObservation channel; //!< what the server observed
    double samples = 0.0;       //!< its local sample count
};

/**
 * \brief Per-round limits. Client capacity binds every policy; the trainer
 * limits bind load-balanced, channel-aware and min-cost-flow (random and greedy
 * are the paper's unconstrained baselines); the deadline binds channel-aware
 * and min-cost-flow.
 */
struct AlignmentConstraints
{
    uint32_t maxExpertsPerClient = 0;  //!< cap on top of memory (0 = memory only)
    uint32_t minTrainersPerExpert = 1; //!< trainers each expert should get when capacity allows
    uint32_t maxTrainersPerExpert = 0; //!< most trainers per expert (0 = unlimited)
    double deadlineS = std::numeric_limits<double>::infinity(); //!< round deadline, s (> 0)
    /**
     * Least share of the full local work (samples) a client may be given so
     * that it meets the deadline, in (0, 1]; 1: whole work or none. Binds the
     * policies that enforce the deadline (see FitPartialWork).
     */
    double minWorkFraction = 1.0;

    /**
     * \brief Throw std::invalid_argument naming the first bad field.
     */
    void Validate() const;
};

/**
 * \brief Everything a policy needs for one round.
 */
struct AlignmentInput
{
    std::vector<ClientInfo> clients; //!< the round's participants
    ModelCost model;                 //!< shared part and per-expert cost (sets the expert count)
    /**
     * Fitness per (participant, expert), row-major: fitness[i * E + e] belongs
     * to clients[i] (FitnessTracker::Rows gives this layout).
     */
    std::vector<double> fitness;
    std::vector<double> usage;        //!< usage per expert (ExpertUsageTracker::Usages)
    AlignmentConstraints constraints; //!< limits
    CapacityParameters capacity;      //!< how capacity and round time are estimated

    /**
     * \brief Get the number of experts.
     * \return the number of experts
     */
    uint32_t NumExperts() const;

    /**
     * \brief The fitness of a participant for an expert.
     * \param client index into clients
     * \param expert the expert id
     * \return its fitness
     */
    double Fitness(std::size_t client, uint32_t expert) const;

    /**
     * \brief Validate everything and compute each participant's capacity.
     *
     * Throws std::invalid_argument on a bad field (wrong sizes, NaN or infinite
     * scores, negative usage, duplicate ids, a bad profile) and when no
     * participant can hold a single expert.
     * \param owner the policy name, for messages
     * \return experts each participant can hold (memory and maxExpertsPerClient)
     */
    std::vector<uint32_t> Capacities(const std::string& owner) const;
};

/**
 * \brief The experts one client trains this round.
 */
struct ClientAssignment
{
    uint32_t client = 0;           //!< client id
    std::vector<uint32_t> experts; //!< expert ids, ascending (empty: sits the round out)
    double workFraction = 1.0;     //!< share of its full local work (samples), (0, 1]
};

/**
 * \brief A round's assignment, one entry per participant in input order.
 */
struct Assignment
{
    std::vector<ClientAssignment> clients; //!< per participant

    /**
     * \brief The experts of one client.
     * \param client a client id
     * \return its experts (empty when absent)
     */
    const std::vector<uint32_t>& ExpertsOf(uint32_t client) const;

    /**
     * \brief How many clients train each expert.
     * \param numExperts the number of experts
     * \return trainers per expert
     */
    std::vector<uint32_t> TrainerCounts(uint32_t numExperts) const;

    /**
     * \brief Count the (client, expert) pairs.
     * \return (client, expert) pairs assigned
     */
    std::size_t Pairs() const;

    /**
     * \brief Count the clients given less than their full work.
     * \return clients with experts and workFraction < 1
     */
    std::size_t PartialClients() const;
};

/** @} */
} // namespace scheduling
} // namespace fedmoe

#endif // FEDMOE_SCHEDULING_ALIGNMENT_INPUT_H
