// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeProgress: one line of progress per round on stderr for long runs.
 */

#include "fedmoe-progress.h"

#include <cmath>
#include <cstdio>

namespace ns3
{

FedMoeProgress::FedMoeProgress(uint32_t totalRounds, std::ostream& out, Clock clock)
    : m_totalRounds(totalRounds),
      m_out(out),
      m_clock(std::move(clock)),
      m_start(m_clock())
{
}

double
FedMoeProgress::SteadySeconds()
{
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

double
FedMoeProgress::Elapsed() const
{
    return m_clock() - m_start;
}

std::string
FedMoeProgress::FormatDuration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
    {
        return "?";
    }
    const auto s = static_cast<long long>(std::llround(seconds));
    char buf[32];
    if (s >= 3600)
    {
        std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
    }
    else if (s >= 60)
    {
        std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
    }
    else
    {
        std::snprintf(buf, sizeof buf, "%llds", s);
    }
    return buf;
}

void
FedMoeProgress::RoundDone(uint32_t round, double simTimeS, double accuracy, uint32_t dropped)
{
    const double elapsed = Elapsed();
    const double eta
        = round > 0 ? elapsed / round * (m_totalRounds - std::min(round, m_totalRounds)) : NAN;
    char line[160];
    if (std::isfinite(accuracy))
    {
        std::snprintf(line, sizeof line, "round %u/%u  sim %.2f s  accuracy %.2f %%  dropped %u",
                      round, m_totalRounds, simTimeS, accuracy * 100.0, dropped);
    }
    else
    {
        std::snprintf(line, sizeof line, "round %u/%u  sim %.2f s  accuracy -  dropped %u", round,
                      m_totalRounds, simTimeS, dropped);
    }
    m_out << line << "  elapsed " << FormatDuration(elapsed) << "  ETA " << FormatDuration(eta)
          << std::endl;
}

void
FedMoeProgress::RoundCompleted(const FedMoeRoundRecord& record)
{
    RoundDone(record.round, record.simTimeS, record.testAccuracy, record.dropped);
}

} // namespace ns3
