// SPDX-License-Identifier: GPL-2.0-only
/*
 * FitnessTracker: EMA of client feedback per (client, expert), decaying to a prior.
 */

#include "fitness-tracker.h"

#include "parameter-check.h"

#include <stdexcept>
#include <string>

namespace fedmoe
{
namespace scheduling
{

namespace
{
const std::string kOwner = "FitnessTracker";
} // namespace

void
FitnessParameters::Validate() const
{
    RequireUnitInterval(kOwner, "smoothing", smoothing);
    RequireInRange(kOwner, "decay", decay, 0.0, 1.0);
    RequireInRange(kOwner, "prior", prior, 0.0, 1.0);
    RequireInRange(kOwner, "lossWeight", lossWeight, 0.0, 1.0);
}

FitnessTracker::FitnessTracker(uint32_t numClients, uint32_t numExperts,
                               const FitnessParameters& parameters)
    : m_numClients(numClients),
      m_numExperts(numExperts),
      m_parameters(parameters)
{
    m_parameters.Validate();
    if (numExperts == 0)
    {
        ThrowInvalid(kOwner, "numExperts", 0, ">= 1");
    }
    const std::size_t size = static_cast<std::size_t>(numClients) * numExperts;
    m_scores.assign(size, m_parameters.prior);
    m_trained.assign(size, 0);
    m_rounds.assign(size, 0);
}

double
FitnessTracker::Reward(const TrainingFeedback& feedback) const
{
    RequireNonNegative(kOwner, "feedback.loss", feedback.loss);
    RequireInRange(kOwner, "feedback.routingShare", feedback.routingShare, 0.0, 1.0);
    const double w = m_parameters.lossWeight;
    return w / (1.0 + feedback.loss) + (1.0 - w) * feedback.routingShare;
}

void
FitnessTracker::Record(uint32_t client, uint32_t expert, const TrainingFeedback& feedback)
{
    const std::size_t index = Index(client, expert);
    const double reward = Reward(feedback);
    const double a = m_parameters.smoothing;
    m_scores[index] = (1.0 - a) * m_scores[index] + a * reward;
    m_trained[index] = 1;
}

void
FitnessTracker::EndRound()
{
    const double decay = m_parameters.decay;
    const double prior = m_parameters.prior;
    for (std::size_t i = 0; i < m_scores.size(); ++i)
    {
        if (m_trained[i] == 0)
        {
            m_scores[i] += decay * (prior - m_scores[i]);
        }
        else
        {
            ++m_rounds[i];
        }
        m_trained[i] = 0;
    }
}

double
FitnessTracker::Score(uint32_t client, uint32_t expert) const
{
    return m_scores[Index(client, expert)];
}

uint32_t
FitnessTracker::TrainedRounds(uint32_t client, uint32_t expert) const
{
    return m_rounds[Index(client, expert)];
}

std::vector<double>
FitnessTracker::Rows(const std::vector<uint32_t>& clients) const
{
    std::vector<double> rows;
    rows.reserve(clients.size() * m_numExperts);
    for (uint32_t client : clients)
    {
        const std::size_t first = Index(client, 0);
        rows.insert(rows.end(), m_scores.begin() + first, m_scores.begin() + first + m_numExperts);
    }
    return rows;
}

uint32_t
FitnessTracker::NumClients() const
{
    return m_numClients;
}

uint32_t
FitnessTracker::NumExperts() const
{
    return m_numExperts;
}

const FitnessParameters&
FitnessTracker::GetParameters() const
{
    return m_parameters;
}

std::size_t
FitnessTracker::Index(uint32_t client, uint32_t expert) const
{
    if (client >= m_numClients)
    {
        throw std::out_of_range(kOwner + ": client = " + std::to_string(client)
                                + " is invalid; must be < " + std::to_string(m_numClients));
    }
    if (expert >= m_numExperts)
    {
        throw std::out_of_range(kOwner + ": expert = " + std::to_string(expert)
                                + " is invalid; must be < " + std::to_string(m_numExperts));
    }
    return static_cast<std::size_t>(client) * m_numExperts + expert;
}

} // namespace scheduling
} // namespace fedmoe
