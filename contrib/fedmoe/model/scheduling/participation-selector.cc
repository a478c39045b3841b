// SPDX-License-Identifier: GPL-2.0-only
/*
 * ParticipationSelector: a round's participants among the available clients.
 */

#include "participation-selector.h"

#include "parameter-check.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace fedmoe
{
namespace scheduling
{

namespace
{

const char* const kOwner = "ParticipationSelector";

/** Uniform double in [0, 1) from the top 53 bits, the same on every library. */
double
UniformUnit(std::mt19937_64& rng)
{
    return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

} // namespace

void
ParticipationParameters::Validate() const
{
    RequireUnitInterval(kOwner, "fraction", fraction);
    if (count == 0)
    {
        ThrowInvalid(kOwner, "count", 0, ">= 1");
    }
}

ParticipationSelector::ParticipationSelector(const ParticipationParameters& parameters)
    : m_parameters(parameters)
{
    m_parameters.Validate();
}

std::vector<std::size_t>
ParticipationSelector::Select(const std::vector<ClientInfo>& clients, std::mt19937_64& rng,
                              const std::vector<double>& expectedTimeS) const
{
    const auto rule = m_parameters.rule;
    if (rule == ParticipationRule::Fastest && expectedTimeS.size() != clients.size())
    {
        throw std::invalid_argument(std::string(kOwner) + ": expectedTimeS has "
                                    + std::to_string(expectedTimeS.size())
                                    + " entries; rule Fastest needs one per client ("
                                    + std::to_string(clients.size()) + ")");
    }
    std::vector<std::size_t> available;
    available.reserve(clients.size());
    for (std::size_t i = 0; i < clients.size(); ++i)
    {
        const double availability = clients[i].profile.availability;
        RequireInRange(kOwner, "availability of client " + std::to_string(clients[i].id),
                       availability, 0.0, 1.0);
        // Draw for every client, available or not, so one client's figure does not
        // shift the stream for the others.
        const double draw = UniformUnit(rng);
        if (!m_parameters.sampleAvailability || draw < availability)
        {
            available.push_back(i);
        }
    }
    if (rule == ParticipationRule::All)
    {
        return available;
    }
    std::size_t wanted;
    if (rule == ParticipationRule::Count)
    {
        wanted = m_parameters.count;
    }
    else
    {
        wanted = static_cast<std::size_t>(std::ceil(m_parameters.fraction * available.size()));
        wanted = std::max<std::size_t>(wanted, m_parameters.minClients);
    }
    wanted = std::min(wanted, available.size());
    if (rule == ParticipationRule::Fastest)
    {
        for (std::size_t i : available)
        {
            RequireNonNegative(kOwner, "expectedTimeS[" + std::to_string(i) + "]",
                               expectedTimeS[i]);
        }
        std::stable_sort(available.begin(), available.end(),
                         [&](std::size_t a, std::size_t b)
                         {
                             return expectedTimeS[a] < expectedTimeS[b];
                         });
    }
    else
    {
        for (std::size_t j = 0; j < wanted; ++j)
        {
            const std::size_t pick = j + rng() % (available.size() - j);
            std::swap(available[j], available[pick]);
        }
    }
    available.resize(wanted);
    std::sort(available.begin(), available.end());
    return available;
}

ParticipationRule
ParticipationSelector::ParseRule(const std::string& name)
{
    if (name == "all")
    {
        return ParticipationRule::All;
    }
    if (name == "fraction")
    {
        return ParticipationRule::Fraction;
    }
    if (name == "count")
    {
        return ParticipationRule::Count;
    }
    if (name == "fastest")
    {
        return ParticipationRule::Fastest;
    }
    throw std::invalid_argument(std::string(kOwner) + ": rule = \"" + name
                                + "\" is invalid; must be one of all|fraction|count|fastest");
}

const ParticipationParameters&
ParticipationSelector::GetParameters() const
{
    return m_parameters;
}

} // namespace scheduling
} // namespace fedmoe
