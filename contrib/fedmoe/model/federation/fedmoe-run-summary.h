// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeRunSummary: what summary.json says of a run's rounds and its model:
 * rounds done and planned, accuracy and time to target, bytes, drops, the
 * round, aggregation, model and training settings. Plain C++ over the round
 * coordinator; the server application adds what only it knows (policy, ns-3
 * seed and run, simulated time, rejected messages, the executor's counts).
 */

#ifndef FEDMOE_RUN_SUMMARY_H
#define FEDMOE_RUN_SUMMARY_H

#include "fedmoe-round-coordinator.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief The run's summary as far as the rounds and the model tell it.
 * \param settings the round settings the run was started with
 * \param coordinator the rounds (null: the run failed before its first round;
 *        the counts are then 0 and the model's fields absent)
 * \return a JSON object (keys as in summary.json; absent values are null)
 */
nlohmann::json FedMoeRunSummary(const FedMoeRoundSettings& settings,
                                const FedMoeRoundCoordinator* coordinator);

/**
 * \ingroup fedmoe-federation
 * \brief Jain's fairness index of participation: (sum x)^2 / (n sum x^2)
 *        over the clients that take part, x = rounds whose update was used
 *        (1: all contributed equally; 1/n: one did all the work).
 * \param scoreboard what is known of the clients (after Start)
 * \return the index, or NaN when no update was ever used
 */
double FedMoeJainParticipation(const FedMoeClientScoreboard& scoreboard);

/**
 * \ingroup fedmoe-federation
 * \brief When the mean of the last \p window evaluations first reached the
 *        target: time to accuracy that one lucky round does not decide
 *        (summary.json's time_to_target_smoothed_s, window 3).
 * \param records the rounds (rounds not evaluated are skipped)
 * \param target the accuracy, > 0
 * \param window evaluations averaged, >= 1
 * \return the simulated time at the end of that round, s, or NaN if never
 */
double FedMoeSmoothedTimeToTarget(const std::vector<FedMoeRoundRecord>& records, double target,
                                  uint32_t window);

} // namespace ns3

#endif // FEDMOE_RUN_SUMMARY_H
