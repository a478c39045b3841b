// SPDX-License-Identifier: GPL-2.0-only
/*
 * ExpertUsageTracker: the per-expert usage score of the alignment scheduler, an
 * EMA of the training load each expert received per round, plus load-balance
 * figures for the round records.
 */

#ifndef FEDMOE_SCHEDULING_EXPERT_USAGE_TRACKER_H
#define FEDMOE_SCHEDULING_EXPERT_USAGE_TRACKER_H

#include <cstdint>
#include <vector>

namespace fedmoe
{
namespace scheduling
{
/** \addtogroup fedmoe-scheduling
 * @{
 */

/**
 * \brief Parameters of ExpertUsageTracker.
 */
struct UsageParameters
{
    /**
     * EMA weight of this round's load, (0, 1]; the window is about 1/smoothing
     * rounds (1 = only the last round counts).
     */
    double smoothing = 0.3;

    /**
     * \brief Throw std::invalid_argument naming the first bad field.
     */
    void Validate() const;
};

/**
 * \brief How evenly a load is spread over experts.
 */
struct LoadBalanceStats
{
    double mean = 0.0;                   //!< mean load
    double min = 0.0;                    //!< smallest load
    double max = 0.0;                    //!< largest load
    double coefficientOfVariation = 0.0; //!< population std / mean (0 when the mean is 0)
    double gini = 0.0;                   //!< Gini coefficient, [0, 1) (0 when all equal)
};

/**
 * \brief A usage score per expert: u = (1 - s) u + s L after each round, where L
 * is the load (samples or FLOPs, the caller's unit) its trainers contributed.
 */
class ExpertUsageTracker
{
  public:
    /**
     * \brief A tracker with every usage at 0.
     * \param numExperts experts, > 0
     * \param parameters validated here
     */
    explicit ExpertUsageTracker(uint32_t numExperts,
                                const UsageParameters& parameters = UsageParameters());

    /**
     * \brief Add load to an expert for the current round.
     * \param expert the expert id
     * \param load finite, >= 0
     */
    void AddLoad(uint32_t expert, double load);

    /**
     * \brief Fold the round's loads into the usage scores and start a new round.
     */
    void EndRound();

    /**
     * \brief The usage score of an expert.
     * \param expert the expert id
     * \return its usage score
     */
    double Usage(uint32_t expert) const;

    /**
     * \brief Get all usage scores.
     * \return all usage scores, indexed by expert id (what AlignmentInput::usage expects)
     */
    const std::vector<double>& Usages() const;

    /**
     * \brief Get the loads added since the last EndRound().
     * \return the loads added since the last EndRound()
     */
    const std::vector<double>& RoundLoads() const;

    /**
     * \brief Get the loads of the last closed round.
     * \return the loads of the last closed round
     */
    const std::vector<double>& LastRoundLoads() const;

    /**
     * \brief Get the number of experts tracked.
     * \return experts tracked
     */
    uint32_t NumExperts() const;

    /**
     * \brief Load-balance figures of any per-expert load vector.
     * \param loads finite, >= 0, not empty
     * \return its figures
     */
    static LoadBalanceStats Stats(const std::vector<double>& loads);

  private:
    UsageParameters m_parameters;    //!< parameters
    std::vector<double> m_usage;     //!< EMA per expert
    std::vector<double> m_round;     //!< load of the open round
    std::vector<double> m_lastRound; //!< load of the last closed round
};

/** @} */
} // namespace scheduling
} // namespace fedmoe

#endif // FEDMOE_SCHEDULING_EXPERT_USAGE_TRACKER_H
