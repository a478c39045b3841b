// SPDX-License-Identifier: GPL-2.0-only
/*
 * FitnessTracker: the client-expert fitness score of the alignment scheduler,
 * an EMA of a reward from client feedback, decaying towards a prior for pairs
 * not trained in a round.
 */

#ifndef FEDMOE_SCHEDULING_FITNESS_TRACKER_H
#define FEDMOE_SCHEDULING_FITNESS_TRACKER_H

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
 * \brief Parameters of FitnessTracker.
 */
struct FitnessParameters
{
    double smoothing = 0.3;  //!< EMA weight of a new reward, (0, 1]
    double decay = 0.05;     //!< share of the gap to the prior closed per untrained round, [0, 1]
    double prior = 0.5;      //!< initial score and the value untrained pairs decay to, [0, 1]
    double lossWeight = 0.5; //!< reward = lossWeight/(1+loss) + (1-lossWeight)*routingShare, [0, 1]

    /**
     * \brief Throw std::invalid_argument naming the first bad field.
     */
    void Validate() const;
};

/**
 * \brief What a client reports after training one expert.
 */
struct TrainingFeedback
{
    double loss = 0.0; //!< the client's mean training loss this round, >= 0
    double routingShare
        = 0.0; //!< share of the client's samples its gate routed to the expert, [0, 1]
};

/**
 * \brief A score in [0, 1] per (client, expert): high when the client trained the
 * expert with low loss and its gate routes much of its data there.
 *
 * Use per round: Record() each trained pair, then EndRound() to decay the pairs
 * that were not trained.
 */
class FitnessTracker
{
  public:
    /**
     * \brief A tracker with every score at the prior.
     * \param numClients clients (ids 0..numClients-1)
     * \param numExperts experts (ids 0..numExperts-1), > 0
     * \param parameters validated here
     */
    FitnessTracker(uint32_t numClients, uint32_t numExperts,
                   const FitnessParameters& parameters = FitnessParameters());

    /**
     * \brief The reward for one piece of feedback.
     * \param feedback the feedback (validated)
     * \return lossWeight / (1 + loss) + (1 - lossWeight) * routingShare
     */
    double Reward(const TrainingFeedback& feedback) const;

    /**
     * \brief Fold a trained pair's feedback into its score: s = (1-a) s + a reward.
     * \param client the client id
     * \param expert the expert id
     * \param feedback its feedback
     */
    void Record(uint32_t client, uint32_t expert, const TrainingFeedback& feedback);

    /**
     * \brief Close the round: every pair not recorded since the last EndRound
     * moves towards the prior, s = s + decay (prior - s).
     */
    void EndRound();

    /**
     * \brief The fitness score of a pair.
     * \param client the client id
     * \param expert the expert id
     * \return the score
     */
    double Score(uint32_t client, uint32_t expert) const;

    /**
     * \brief How many rounds a pair was trained (its score rests on feedback,
     *        not only on the prior).
     * \param client the client id
     * \param expert the expert id
     * \return rounds with a Record() of the pair
     */
    uint32_t TrainedRounds(uint32_t client, uint32_t expert) const;

    /**
     * \brief The scores of some clients, row by row (the layout AlignmentInput::fitness expects).
     * \param clients client ids
     * \return clients.size() * NumExperts() scores
     */
    std::vector<double> Rows(const std::vector<uint32_t>& clients) const;

    /**
     * \brief Get the number of clients tracked.
     * \return clients tracked
     */
    uint32_t NumClients() const;

    /**
     * \brief Get the number of experts tracked.
     * \return experts tracked
     */
    uint32_t NumExperts() const;

    /**
     * \brief The current parameters.
     * \return the parameters
     */
    const FitnessParameters& GetParameters() const;

  private:
    /**
     * \brief Index of a pair, checking both ids.
     * \param client the client id
     * \param expert the expert id
     * \return its index in m_scores
     */
    std::size_t Index(uint32_t client, uint32_t expert) const;

    uint32_t m_numClients;          //!< clients
    uint32_t m_numExperts;          //!< experts
    FitnessParameters m_parameters; //!< parameters
    std::vector<double> m_scores;   //!< row-major scores
    std::vector<uint8_t> m_trained; //!< pairs recorded this round
    std::vector<uint32_t> m_rounds; //!< rounds each pair was recorded in
};

/** @} */
} // namespace scheduling
} // namespace fedmoe

#endif // FEDMOE_SCHEDULING_FITNESS_TRACKER_H
