// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeRoundOptions: the round coordinator's settings (FedMoeRoundSettings)
 * as an ns-3 Object, so that rounds, participation, local steps, the target,
 * the alignment constraints and the score smoothing are Attributes
 * (--ns3::FedMoeRoundOptions::Rounds=40, Config::SetDefault, ConfigStore,
 * --PrintAttributes) with the struct's defaults.
 */

#ifndef FEDMOE_ROUND_OPTIONS_H
#define FEDMOE_ROUND_OPTIONS_H

#include "fedmoe-options-object.h"
#include "fedmoe-round-coordinator.h"

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief What a round does and how the scores are kept: the Attributes of
 *        FedMoeRoundSettings (all of it but the deadline and the
 *        aggregation, which are FedMoeServerApplication's RoundDeadline and
 *        Aggregation).
 */
class FedMoeRoundOptions : public FedMoeOptionsObject<FedMoeRoundSettings>
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();
};

} // namespace ns3

#endif // FEDMOE_ROUND_OPTIONS_H
