// SPDX-License-Identifier: GPL-2.0-only
/*
 * ParticipationSelector: which available clients take part in a round (all, a
 * random fraction, a fixed count, or the fastest), so that partial
 * participation is modelled.
 */

#ifndef FEDMOE_SCHEDULING_PARTICIPATION_SELECTOR_H
#define FEDMOE_SCHEDULING_PARTICIPATION_SELECTOR_H

#include "alignment-input.h"

#include <cstdint>
#include <random>
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
 * \brief How participants are picked among the available clients.
 */
enum class ParticipationRule
{
    All,      //!< every available client
    Fraction, //!< a uniformly random fraction of them
    Count,    //!< a uniformly random fixed number of them
    Fastest,  //!< the fraction with the smallest expected round time
};

/**
 * \brief Parameters of ParticipationSelector.
 */
struct ParticipationParameters
{
    ParticipationRule rule = ParticipationRule::All; //!< the rule
    double fraction = 1.0;   //!< share of available clients for Fraction and Fastest, (0, 1]
    uint32_t count = 1;      //!< participants for Count, >= 1
    uint32_t minClients = 1; //!< Fraction and Fastest take at least this many (if available)
    bool sampleAvailability
        = true; //!< first draw who is reachable from each profile's availability

    /**
     * \brief Throw std::invalid_argument naming the first bad field.
     */
    void Validate() const;
};

/**
 * \brief Picks a round's participants.
 */
class ParticipationSelector
{
  public:
    /**
     * \brief A selector.
     * \param parameters validated here
     */
    explicit ParticipationSelector(const ParticipationParameters& parameters = {});

    /**
     * \brief Pick the participants.
     * \param clients all clients (their profiles' availability is used)
     * \param rng the engine
     * \param expectedTimeS expected round time per client (Fastest only; same size as clients)
     * \return indices into clients, ascending
     */
    std::vector<std::size_t> Select(const std::vector<ClientInfo>& clients, std::mt19937_64& rng,
                                    const std::vector<double>& expectedTimeS = {}) const;

    /**
     * \brief A rule by name.
     * \param name "all", "fraction", "count" or "fastest"
     * \return the rule
     */
    static ParticipationRule ParseRule(const std::string& name);

    /**
     * \brief The current parameters.
     * \return the parameters
     */
    const ParticipationParameters& GetParameters() const;

  private:
    ParticipationParameters m_parameters; //!< parameters
};

/** @} */
} // namespace scheduling
} // namespace fedmoe

#endif // FEDMOE_SCHEDULING_PARTICIPATION_SELECTOR_H
