// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeWallTimer: adds the wall-clock time of a scope to a counter, so the
 * applications can say where a run's real time goes (serialisation,
 * aggregation, evaluation) beside the training executor's own figure.
 */

#ifndef FEDMOE_WALL_TIMER_H
#define FEDMOE_WALL_TIMER_H

#include <chrono>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief Scope timer: on destruction adds the seconds since construction to a counter.
 */
class FedMoeWallTimer
{
  public:
    /**
     * \brief Starts timing.
     * \param sink the counter (seconds) to add to
     */
    explicit FedMoeWallTimer(double& sink)
        : m_sink(sink),
          m_start(std::chrono::steady_clock::now())
    {
    }

    ~FedMoeWallTimer()
    {
        m_sink += std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    }

    FedMoeWallTimer(const FedMoeWallTimer&) = delete;
    FedMoeWallTimer& operator=(const FedMoeWallTimer&) = delete;

  private:
    double& m_sink;                                //!< counter
    std::chrono::steady_clock::time_point m_start; //!< start of the scope
};

} // namespace ns3

#endif // FEDMOE_WALL_TIMER_H
