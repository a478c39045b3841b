// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeProgress: one line of progress per round on stderr for long runs.
 */

#ifndef FEDMOE_PROGRESS_H
#define FEDMOE_PROGRESS_H

#include "fedmoe-recorder.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <iostream>
#include <string>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief Prints "round k/N" lines with simulated time, accuracy and the
 * estimated wall time to go (from the mean wall time per round so far).
 */
class FedMoeProgress
{
  public:
    /** \brief A source of wall-clock seconds (injectable for tests). */
    using Clock = std::function<double()>;

    /**
     * \brief A progress printer.
     * \param totalRounds rounds the run will do
     * \param out where lines go (stderr by default)
     * \param clock wall-clock seconds (steady clock by default)
     */
    explicit FedMoeProgress(uint32_t totalRounds, std::ostream& out = std::cerr,
                            Clock clock = SteadySeconds);

    /**
     * \brief Print the line for a finished round.
     * \param round the round just finished (1..N)
     * \param simTimeS simulated time, s
     * \param accuracy test accuracy in [0,1], or NaN when not evaluated
     * \param dropped participants dropped this round
     */
    void RoundDone(uint32_t round, double simTimeS, double accuracy, uint32_t dropped);

    /**
     * \brief Sink of FedMoeServerApplication's RoundCompleted: RoundDone() of its record.
     * \param record the round's record
     */
    void RoundCompleted(const FedMoeRoundRecord& record);

    /** \return wall seconds since construction */
    double Elapsed() const;

    /**
     * \brief Format seconds as "1h02m", "3m05s" or "12s".
     * \param seconds a duration
     * \return its text
     */
    static std::string FormatDuration(double seconds);

    /** \return seconds on a steady clock */
    static double SteadySeconds();

  private:
    uint32_t m_totalRounds; //!< N
    std::ostream& m_out;    //!< output
    Clock m_clock;          //!< wall clock
    double m_start;         //!< clock at construction
};

} // namespace ns3

#endif // FEDMOE_PROGRESS_H
