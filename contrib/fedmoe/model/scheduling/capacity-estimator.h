// SPDX-License-Identifier: GPL-2.0-only
/*
 * CapacityEstimator: how many experts a client can hold and how long a round
 * takes it for a candidate set of experts (download + compute + upload), from
 * its capacity profile, the observed channel and its past completion times.
 */

#ifndef FEDMOE_SCHEDULING_CAPACITY_ESTIMATOR_H
#define FEDMOE_SCHEDULING_CAPACITY_ESTIMATOR_H

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
 * \brief What a client reports about itself (or what the server assumes).
 */
struct CapacityProfile
{
    double computeGflops = 10.0; //!< sustained training throughput of the whole device, GFLOP/s
    uint32_t cores = 1;          //!< CPU cores (informational; computeGflops already counts them)
    double memoryMb = 1024.0;    //!< memory available for training, MB (10^6 bytes)
    double uplinkBps = 10e6;     //!< nominal uplink bandwidth, bit/s
    double downlinkBps = 50e6;   //!< nominal downlink bandwidth, bit/s
    double latencyS = 0.01;      //!< nominal one-way latency, s
    double availability = 1.0;   //!< probability of being reachable in a round, [0, 1]
};

/**
 * \brief What the server observed of a client's link and timing; zero means
 * "not observed yet" and the announced profile figure is used instead.
 *
 * The announced profile is the prior; an observation overrides it, less so as
 * it ages (CapacityParameters::observationHalfLifeS): a device that sat out or
 * moved since it was last seen is believed less.
 */
struct ChannelObservation
{
    double goodputUpBps = 0.0;          //!< observed uplink goodput, bit/s (0 = unknown)
    double goodputDownBps = 0.0;        //!< observed downlink goodput, bit/s (0 = unknown)
    double rttS = 0.0;                  //!< observed round-trip time, s (0 = unknown)
    double observedComputeGflops = 0.0; //!< throughput measured from past rounds (0 = unknown)
    double linkAgeS = 0.0;              //!< age of the goodput and RTT figures, s (>= 0)
    double computeAgeS = 0.0;           //!< age of observedComputeGflops, s (>= 0)
    /**
     * Smoothed ratio of observed to predicted round time from past completions
     * (see CapacityEstimator::UpdateCompletionRatio); 1 = no history.
     */
    double completionRatio = 1.0;
};

/**
 * \brief Size and training cost of one expert.
 */
struct ExpertCost
{
    double parameterBytes = 0.0;      //!< serialized parameter size, bytes
    double trainFlopsPerSample = 0.0; //!< forward + backward FLOPs per routed sample
};

/**
 * \brief Cost of the model a client trains: the shared part (gate, always sent)
 * plus one entry per expert.
 */
struct ModelCost
{
    double sharedParameterBytes = 0.0;      //!< gate and other shared parameters, bytes
    double sharedTrainFlopsPerSample = 0.0; //!< shared FLOPs per sample
    double localEpochs = 1.0;               //!< passes over the local data per round
    std::vector<ExpertCost> experts;        //!< one entry per expert, indexed by expert id
};

/**
 * \brief A client's round time as an affine function of its expert set:
 * fixedS + sum of perExpert terms (see CapacityEstimator::Rates).
 */
struct ClientRates
{
    double fixedS = 0.0;           //!< latency and shared-model cost, s
    double secondsPerByte = 0.0;   //!< download + upload time per parameter byte, s
    double secondsPerFlop = 0.0;   //!< compute time per FLOP, s
    double samplesTimesEpochs = 0; //!< samples processed per round
    double completionRatio = 1.0;  //!< multiplier from past completions
};

/**
 * \brief Parameters of the capacity and round-time estimates.
 */
struct CapacityParameters
{
    /**
     * Training memory per parameter byte (1 = weights only; about 4 with
     * gradients and Adam moments).
     */
    double memoryPerParameterByte = 1.0;
    double rttsPerRound = 2.0; //!< round trips of latency per round (ASSIGN, UPDATE)
    /**
     * Age at which an observation counts half against the announced prior, s
     * (> 0; infinity: observations never age). The blend is in time per bit
     * (per FLOP), the quantity round times add up.
     */
    double observationHalfLifeS = std::numeric_limits<double>::infinity();

    /**
     * \brief Throw std::invalid_argument naming the first bad field.
     */
    void Validate() const;
};

/**
 * \brief Capacity (experts a client can hold) and expected round time.
 *
 * Round time = completionRatio * (rttsPerRound * RTT + (shared + set bytes) *
 * 8 * (1/down + 1/up) + samples * epochs * (shared + set FLOPs) / throughput):
 * affine in the set, which lets policies check a deadline expert by expert.
 * Each of 1/down, 1/up, RTT and 1/throughput is w * observed + (1 - w) *
 * announced, w = ObservationWeight(age) (w = 0 when nothing was observed).
 */
class CapacityEstimator
{
  public:
    /**
     * \brief An estimator.
     * \param parameters validated here
     */
    explicit CapacityEstimator(const CapacityParameters& parameters = CapacityParameters());

    /**
     * \brief Check a profile.
     * \param profile the profile
     * \param what prefix for error messages (e.g. "client 3")
     */
    static void ValidateProfile(const CapacityProfile& profile, const std::string& what);

    /**
     * \brief Check an observation.
     * \param observation the observation
     * \param what prefix for error messages
     */
    static void ValidateObservation(const ChannelObservation& observation, const std::string& what);

    /**
     * \brief Check a model cost (finite, non-negative sizes, at least one expert).
     * \param model the model cost
     */
    static void ValidateModel(const ModelCost& model);

    /**
     * \brief Most experts the client's memory holds (the largest expert sets the
     * size, so any set of that many fits), at most the number of experts.
     * \param profile the client's profile
     * \param model the model cost
     * \return experts it can hold (0 if even the shared part does not fit)
     */
    uint32_t MaxExperts(const CapacityProfile& profile, const ModelCost& model) const;

    /**
     * \brief The affine round-time model of one client.
     * \param profile the client's profile
     * \param observation what was observed of it
     * \param samples its local sample count
     * \param model the model cost
     * \return its rates
     */
    ClientRates Rates(const CapacityProfile& profile, const ChannelObservation& observation,
                      double samples, const ModelCost& model) const;

    /**
     * \brief Time one more expert adds to a client's round.
     * \param rates the client's rates
     * \param expert the expert's cost
     * \return seconds
     */
    static double ExpertTime(const ClientRates& rates, const ExpertCost& expert);

    /**
     * \brief Expected round time of a client for a set of experts.
     * \param rates the client's rates
     * \param model the model cost
     * \param experts expert ids (each < model.experts.size())
     * \return seconds
     */
    static double RoundTime(const ClientRates& rates, const ModelCost& model,
                            const std::vector<uint32_t>& experts);

    /**
     * \brief Smooth the observed/predicted ratio after a completed round.
     * \param ratio the current ratio (1 with no history)
     * \param observedS the round time observed
     * \param predictedS the round time RoundTime predicted for that round (with the current ratio)
     * \param smoothing EMA weight of the new ratio, (0, 1]
     * \return the new ratio
     */
    static double UpdateCompletionRatio(double ratio, double observedS, double predictedS,
                                        double smoothing);

    /**
     * \brief How much an observation of some age counts against the prior.
     * \param ageS its age, s (>= 0)
     * \return 2^(-ageS / observationHalfLifeS), in (0, 1]
     */
    double ObservationWeight(double ageS) const;

    /**
     * \brief The current parameters.
     * \return the parameters
     */
    const CapacityParameters& GetParameters() const;

  private:
    CapacityParameters m_parameters; //!< parameters
};

/** @} */
} // namespace scheduling
} // namespace fedmoe

#endif // FEDMOE_SCHEDULING_CAPACITY_ESTIMATOR_H
