// SPDX-License-Identifier: GPL-2.0-only
/*
 * fedmoe-strategy-comparison: the source paper's Fig. 3 experiment. Non-IID
 * clients (a few classes each), small experts that cannot each learn the
 * whole task, and the same scenario run under each alignment policy over
 * several seeds, with and without the gate-alignment term (ablation).
 * Prints a table (median and range over seeds), writes comparison.csv and,
 * when gnuplot is installed, PNG plots: accuracy vs. round and vs. simulated
 * time per policy, and a client x expert assignment heatmap per policy.
 * Beside the policies, the baselines a reader of any federated-MoE result asks
 * for (--baselines): dense FedAvg with the same per-client compute (one expert
 * of width topK x hidden), dense FedAvg with the same per-client bytes (one
 * expert as large as the gate and the experts a client receives), and the MoE
 * with every expert on every client (what assignment can reach at best).
 *
 *   ./fedmoe run fedmoe-strategy-comparison
 *   ./fedmoe run fedmoe-strategy-comparison -- --seeds=5 --network=wifi --ablation=false
 */

#include "ns3/command-line.h"
#include "ns3/fedmoe-alignment-policy.h"
#include "ns3/fedmoe-learning-options.h"
#include "ns3/fedmoe-scenario.h"
#include "ns3/fedmoe-statistics.h"
#include "ns3/system-path.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

const char* const PROGRAM = "fedmoe-strategy-comparison";

/// A row of the comparison: a policy, or a baseline (a policy with other model flags).
struct Entry
{
    std::string name;                                       //!< row name
    std::string policy;                                     //!< alignment policy
    std::vector<std::pair<std::string, std::string>> flags; //!< flags it changes
};

/// The baselines for the scenario as the flags set it (see the file comment).
std::vector<Entry>
Baselines()
{
    const auto experts = static_cast<uint32_t>(FedMoeScenario::GetNumber("experts"));
    const auto topK = static_cast<uint32_t>(FedMoeScenario::GetNumber("topK"));
    const auto hidden = static_cast<uint32_t>(FedMoeScenario::GetNumber("hidden"));
    auto perClient = static_cast<uint32_t>(FedMoeScenario::GetNumber("expertsPerClient"));
    perClient = perClient == 0 ? experts : std::min(perClient, experts);
    // Bytes per client and round: the gate and perClient experts; a dense
    // expert's bytes grow with its width as the MoE's experts' do.
    const fedmoe::learning::FederatedMoe moe(CreateObject<FedMoeModel>()->GetOptions(),
                                             CreateObject<FedMoeTraining>()->GetOptions());
    const double perWidth = double(moe.ExpertBytes()) / hidden;
    const auto sameBytes = static_cast<uint32_t>(
        std::lround((moe.GateBytes() + perClient * double(moe.ExpertBytes())) / perWidth));
    const std::vector<std::pair<std::string, std::string>> dense{
        {"experts", "1"}, {"topK", "1"}, {"expertsPerClient", "1"}};
    auto with = [&](std::vector<std::pair<std::string, std::string>> flags, uint32_t width)
    {
        flags.emplace_back("hidden", std::to_string(width));
        return flags;
    };
    return {{"dense-compute", "greedy", with(dense, topK * hidden)},
            {"dense-bytes", "greedy", with(dense, sameBytes)},
            {"moe-all-experts", "greedy", {{"expertsPerClient", std::to_string(experts)}}}};
}

/// One run's figures.
struct RunFigures
{
    std::string policy;        //!< policy name
    std::string variant;       //!< "align" or "no-align"
    uint32_t seed = 0;         //!< seed
    std::string outDir;        //!< its records
    FedMoeScenarioResult r;    //!< what the run returned
    double lastAccuracy = 0;   //!< mean test accuracy of the last (up to) 5 evaluated rounds
    double lastPersonal = NAN; //!< mean personalised accuracy of the same rounds
    double entropy = NAN;      //!< test routing entropy of the last evaluated round, bits
    double loadCv = NAN;       //!< mean per-round expert load CV
};

std::vector<std::string>
Split(const std::string& text)
{
    std::vector<std::string> items;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ','))
    {
        if (!item.empty())
        {
            items.push_back(item);
        }
    }
    return items;
}

std::string
Fmt(double v, const char* format = "%.3f")
{
    if (!std::isfinite(v))
    {
        return "-";
    }
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, format, v);
    return buffer;
}

/// "median [min, max]" of the finite values.
std::string
Spread(const std::vector<double>& v, const char* format = "%.3f")
{
    std::vector<double> finite;
    for (double x : v)
    {
        if (std::isfinite(x))
        {
            finite.push_back(x);
        }
    }
    if (finite.empty())
    {
        return "-";
    }
    auto [lo, hi] = std::minmax_element(finite.begin(), finite.end());
    return Fmt(FedMoeMedian(finite), format) + " [" + Fmt(*lo, format) + ", " + Fmt(*hi, format)
           + "]";
}

RunFigures
Summarise(RunFigures run)
{
    std::vector<double> evaluated;
    std::vector<double> personal;
    double cvSum = 0;
    int cvCount = 0;
    for (const auto& record : run.r.rounds)
    {
        if (std::isfinite(record.testAccuracy))
        {
            evaluated.push_back(record.testAccuracy);
            personal.push_back(record.personalAccuracy);
            run.entropy = record.routingEntropy;
        }
        if (std::isfinite(record.expertLoadCv))
        {
            cvSum += record.expertLoadCv;
            ++cvCount;
        }
    }
    const size_t tail = std::min<size_t>(5, evaluated.size());
    double sum = 0;
    double personalSum = 0;
    for (size_t i = evaluated.size() - tail; i < evaluated.size(); ++i)
    {
        sum += evaluated[i];
        personalSum += personal[i];
    }
    run.lastAccuracy = tail > 0 ? sum / double(tail) : NAN;
    run.lastPersonal = tail > 0 ? personalSum / double(tail) : NAN;
    run.loadCv = cvCount > 0 ? cvSum / cvCount : NAN;
    return run;
}

/// Writes comparison.csv (one row per run).
void
WriteCsv(const std::string& path, const std::vector<RunFigures>& runs)
{
    std::ofstream out(path);
    out << "policy,variant,seed,final_accuracy,last5_accuracy,rounds_to_target,time_to_target_s,"
           "routing_entropy_bits,expert_load_cv,sim_time_s,dropped,bytes_down,bytes_up,wall_s,"
           "status,last5_personal_accuracy\n";
    for (const auto& run : runs)
    {
        const bool reached = run.r.roundsToTarget > 0;
        out << run.policy << ',' << run.variant << ',' << run.seed << ','
            << Fmt(run.r.finalAccuracy, "%.4f") << ',' << Fmt(run.lastAccuracy, "%.4f") << ','
            << (reached ? std::to_string(run.r.roundsToTarget) : "nan") << ','
            << (reached ? Fmt(run.r.timeToTargetS, "%.3f") : "nan") << ','
            << Fmt(run.entropy, "%.4f") << ',' << Fmt(run.loadCv, "%.4f") << ','
            << Fmt(run.r.simTimeS, "%.3f") << ',' << run.r.dropped << ',' << run.r.bytesDown << ','
            << run.r.bytesUp << ',' << Fmt(run.r.wallS, "%.2f") << ','
            << (run.r.error.empty() ? "ok" : "error") << ',' << Fmt(run.lastPersonal, "%.4f")
            << '\n';
    }
}

/// Prints the per-policy table.
void
PrintTable(const std::vector<RunFigures>& runs, const std::vector<std::string>& variants,
           const std::vector<std::string>& policies, double target)
{
    std::printf("\n%-15s %-9s %-22s %-22s %-22s %-9s %-16s %-18s %s\n", "policy", "gate",
                "final acc", "last-5 mean acc", "last-5 personalised", "reached",
                "rounds to target", "sim s to target", "routing entropy (bits)");
    for (const auto& variant : variants)
    {
        for (const auto& policy : policies)
        {
            std::vector<double> acc, last, personal, rounds, time, entropy;
            int reached = 0, total = 0;
            for (const auto& run : runs)
            {
                if (run.policy != policy || run.variant != variant)
                {
                    continue;
                }
                ++total;
                acc.push_back(run.r.finalAccuracy);
                last.push_back(run.lastAccuracy);
                personal.push_back(run.lastPersonal);
                entropy.push_back(run.entropy);
                if (run.r.roundsToTarget > 0)
                {
                    ++reached;
                    rounds.push_back(run.r.roundsToTarget);
                    time.push_back(run.r.timeToTargetS);
                }
            }
            if (total == 0)
            {
                continue;
            }
            std::printf("%-15s %-9s %-22s %-22s %-22s %d/%-7d %-16s %-18s %s\n", policy.c_str(),
                        variant.c_str(), Spread(acc).c_str(), Spread(last).c_str(),
                        Spread(personal).c_str(), reached, total, Spread(rounds, "%.0f").c_str(),
                        Spread(time, "%.0f").c_str(), Spread(entropy, "%.2f").c_str());
        }
    }
    std::printf("(median [min, max] over seeds; target accuracy %.2f; last-5: mean of the last 5 "
                "evaluated rounds)\n",
                target);
}

/// Per policy: mean accuracy and simulated time per round over the seeds.
void
WriteCurves(const std::string& dir, const std::vector<RunFigures>& runs, const std::string& variant,
            const std::vector<std::string>& policies)
{
    for (const auto& policy : policies)
    {
        std::map<uint32_t, std::vector<double>> accuracy, time;
        for (const auto& run : runs)
        {
            if (run.policy != policy || run.variant != variant)
            {
                continue;
            }
            for (const auto& record : run.r.rounds)
            {
                if (std::isfinite(record.testAccuracy))
                {
                    accuracy[record.round].push_back(record.testAccuracy);
                    time[record.round].push_back(record.simTimeS);
                }
            }
        }
        std::ofstream out(dir + "/curve-" + policy + ".dat");
        out << "# round mean_sim_time_s mean_test_accuracy seeds\n";
        for (const auto& [round, values] : accuracy)
        {
            double a = 0, t = 0;
            for (size_t i = 0; i < values.size(); ++i)
            {
                a += values[i];
                t += time[round][i];
            }
            out << round << ' ' << t / values.size() << ' ' << a / values.size() << ' '
                << values.size() << '\n';
        }
    }
}

/// Client x expert matrix: rounds each client trained each expert (from assignments.csv).
bool
WriteHeatmap(const std::string& assignmentsCsv, const std::string& datPath, uint32_t clients,
             uint32_t experts)
{
    std::ifstream in(assignmentsCsv);
    if (!in)
    {
        return false;
    }
    std::vector<std::vector<int>> counts(clients, std::vector<int>(experts, 0));
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line))
    {
        unsigned round = 0, client = 0, expert = 0;
        if (std::sscanf(line.c_str(), "%u,%u,%u", &round, &client, &expert) == 3 && client < clients
            && expert < experts)
        {
            ++counts[client][expert];
        }
    }
    std::ofstream out(datPath);
    for (const auto& row : counts)
    {
        for (uint32_t e = 0; e < experts; ++e)
        {
            out << (e ? " " : "") << row[e];
        }
        out << '\n';
    }
    return true;
}

void
WritePlots(const std::string& outDir, const std::vector<RunFigures>& runs,
           const std::vector<std::string>& policies, const FedMoeScenario& base)
{
    const auto experts = static_cast<uint32_t>(FedMoeScenario::GetNumber("experts"));
    const std::string dir = outDir + "/plots";
    SystemPath::MakeDirectories(dir);
    WriteCurves(dir, runs, "align", policies);
    std::ofstream gp(dir + "/plots.gp");
    gp << "# gnuplot script: cd to this folder and run 'gnuplot plots.gp'\n"
          "set terminal pngcairo size 900,560 noenhanced\nset grid\nset key bottom right\n"
          "set ylabel 'test accuracy'\n";
    auto curves = [&](const char* png, const char* xlabel, int column)
    {
        gp << "set output '" << png << "'\nset xlabel '" << xlabel << "'\nset title '"
           << "Test accuracy per policy (mean over seeds)'\nplot ";
        for (size_t i = 0; i < policies.size(); ++i)
        {
            gp << (i ? ", " : "") << "'curve-" << policies[i] << ".dat' using " << column
               << ":3 with linespoints title '" << policies[i] << "'";
        }
        gp << "\n";
    };
    curves("accuracy-vs-round.png", "round", 1);
    curves("accuracy-vs-time.png", "simulated time (s)", 2);
    for (const auto& policy : policies)
    {
        const auto it = std::find_if(runs.begin(), runs.end(),
                                     [&](const RunFigures& r)
                                     {
                                         return r.policy == policy && r.variant == "align";
                                     });
        if (it == runs.end()
            || !WriteHeatmap(it->outDir + "/assignments.csv",
                             dir + "/assignments-" + policy + ".dat", base.clients, experts))
        {
            continue;
        }
        gp << "set output 'assignments-" << policy << ".png'\nunset key\nunset grid\n"
           << "set title 'Rounds each client trained each expert: " << policy << ", seed "
           << it->seed << "'\nset xlabel 'expert'\nset ylabel 'client'\n"
           << "set xrange [-0.5:" << experts - 0.5 << "]\nset yrange [-0.5:" << base.clients - 0.5
           << "]\nset cblabel 'rounds'\nset palette defined "
           << "(0 'white', 1 '#2166ac')\nplot 'assignments-" << policy
           << ".dat' matrix with image\nunset xrange\nunset yrange\nset key bottom right\n"
           << "set grid\nset ylabel 'test accuracy'\n";
    }
    gp.close();
    if (std::system("command -v gnuplot >/dev/null 2>&1") != 0)
    {
        std::cerr << PROGRAM << ": gnuplot not found; plot data and script are in " << dir
                  << " (./fedmoe deps installs gnuplot)\n";
        return;
    }
    const std::string command = "cd '" + dir + "' && gnuplot plots.gp";
    if (std::system(command.c_str()) != 0)
    {
        std::cerr << PROGRAM << ": gnuplot failed on " << dir << "/plots.gp\n";
    }
}

} // namespace

int
main(int argc, char** argv)
{
    // The comparison's setting: label-skewed clients, small experts (one cannot
    // learn all ten classes), the gate-alignment term and a p2p star (fast to
    // simulate; --network=wifi for the Wi-Fi cell).
    FedMoeScenario::SetDefaults();
    for (const auto& [flag, value] : std::vector<std::pair<std::string, std::string>>{
             {"outDir", "results/fedmoe-strategy-comparison"},
             {"rounds", "40"},
             {"hidden", "4"},
             {"alignWeight", "1.0"},
             {"gateAggregation", "all"},
             {"targetAccuracy", "0.6"},
             {"progress", "false"}})
    {
        FedMoeScenario::Set(flag, value);
    }
    FedMoeScenario base;
    base.network = "p2p";
    std::string policyList = "random,greedy,load-balanced,channel-aware";
    uint32_t seeds = 5;
    bool ablation = true;
    bool baselines = true;
    bool plots = true;

    CommandLine cmd(__FILE__);
    cmd.Usage("Compares alignment policies on the same non-IID federated MoE scenario over "
              "several seeds (the source paper's Fig. 3), with an ablation of the gate-alignment "
              "term. Writes comparison.csv, per-run records in runs/, and plots/.");
    base.AddCommandLineValues(cmd);
    cmd.AddValue("policies", "Comma-separated policies to compare", policyList);
    cmd.AddValue("seeds", "Seeds per policy (1..100): seed, seed+1, ...", seeds);
    cmd.AddValue("ablation", "Also run every policy without the gate-alignment term", ablation);
    cmd.AddValue("baselines",
                 "Also run dense FedAvg with the same per-client compute and bytes, and the MoE "
                 "with every expert on every client",
                 baselines);
    cmd.AddValue("plots", "Write plots (gnuplot)", plots);
    cmd.Parse(argc, argv);

    const std::vector<std::string> policies = Split(policyList);
    const std::vector<std::string> known = FedMoeAlignmentPolicy::Names();
    std::string knownList;
    for (const auto& name : known)
    {
        knownList += (knownList.empty() ? "" : ", ") + name;
    }
    std::string invalid = base.Validate();
    if (invalid.empty() && policies.empty())
    {
        invalid = "--policies is empty; give one or more of: " + knownList;
    }
    for (const auto& p : policies)
    {
        if (invalid.empty() && std::find(known.begin(), known.end(), p) == known.end())
        {
            invalid = "--policies: '" + p + "' is unknown; allowed: " + knownList;
        }
    }
    if (invalid.empty() && (seeds < 1 || seeds > 100))
    {
        invalid = "--seeds=" + std::to_string(seeds) + ": allowed 1..100";
    }
    if (!invalid.empty())
    {
        std::cerr << PROGRAM << ": " << invalid << " (see --help)\n";
        return 2;
    }

    const std::string outDir = FedMoeScenario::Get("outDir");
    const double alignWeight = FedMoeScenario::GetNumber("alignWeight");
    const std::string alignText = FedMoeScenario::Get("alignWeight");
    const double target = FedMoeScenario::GetNumber("targetAccuracy");
    std::vector<std::string> variants{"align"};
    if (ablation && alignWeight > 0)
    {
        variants.push_back("no-align");
    }
    std::vector<Entry> entries;
    for (const auto& p : policies)
    {
        entries.push_back({p, p, {}});
    }
    std::vector<Entry> baselineEntries;
    if (baselines)
    {
        try
        {
            baselineEntries = Baselines();
        }
        catch (const std::exception& e)
        {
            std::cerr << PROGRAM << ": " << e.what() << "\n";
            return 2;
        }
    }
    std::vector<std::string> rows = policies;
    for (const auto& e : baselineEntries)
    {
        rows.push_back(e.name);
    }
    const size_t total = (variants.size() * policies.size() + baselineEntries.size()) * seeds;
    std::vector<RunFigures> runs;
    double wall = 0;
    for (const auto& variant : variants)
    {
        // The baselines once, with the alignment term as the policies have it.
        std::vector<Entry> todo = entries;
        if (variant == "align")
        {
            todo.insert(todo.end(), baselineEntries.begin(), baselineEntries.end());
        }
        for (const auto& entry : todo)
        {
            const std::string& policy = entry.name;
            std::vector<std::pair<std::string, std::string>> saved;
            for (const auto& [flag, value] : entry.flags)
            {
                saved.emplace_back(flag, FedMoeScenario::Get(flag));
                FedMoeScenario::Set(flag, value);
            }
            for (uint32_t s = 0; s < seeds; ++s)
            {
                FedMoeScenario scenario = base;
                scenario.policy = entry.policy;
                scenario.seed = base.seed + s;
                FedMoeScenario::Set("alignWeight", variant == "align" ? alignText : "0");
                const std::string runDir = outDir + "/runs/" + policy + "-" + variant + "/seed-"
                                           + std::to_string(scenario.seed);
                FedMoeScenario::Set("outDir", runDir);
                RunFigures run;
                run.policy = policy;
                run.variant = variant;
                run.seed = scenario.seed;
                run.outDir = runDir;
                try
                {
                    run.r = scenario.Run();
                }
                catch (const std::exception& e)
                {
                    std::cerr << PROGRAM << ": " << e.what() << "\n";
                    return 2;
                }
                runs.push_back(Summarise(run));
                wall += run.r.wallS;
                const double eta = wall / runs.size() * (total - runs.size());
                std::cerr << "[" << runs.size() << "/" << total << "] " << policy << " (" << variant
                          << ") seed " << scenario.seed << ": accuracy " << Fmt(run.r.finalAccuracy)
                          << ", last-5 " << Fmt(runs.back().lastAccuracy) << ", entropy "
                          << Fmt(runs.back().entropy, "%.2f") << " bits, "
                          << Fmt(run.r.wallS, "%.0f") << " s"
                          << (run.r.error.empty() ? "" : "  FAILED: " + run.r.error) << "  ETA "
                          << Fmt(eta, "%.0f") << " s\n";
            }
            for (const auto& [flag, value] : saved)
            {
                FedMoeScenario::Set(flag, value);
            }
        }
    }

    SystemPath::MakeDirectories(outDir);
    WriteCsv(outDir + "/comparison.csv", runs);
    PrintTable(runs, variants, rows, target);
    if (plots)
    {
        WritePlots(outDir, runs, policies, base);
    }
    std::printf("\nwrote %s/comparison.csv%s\n", outDir.c_str(),
                plots ? (" and " + outDir + "/plots/").c_str() : "");
    const bool failed = std::any_of(runs.begin(), runs.end(),
                                    [](const RunFigures& r)
                                    {
                                        return !r.r.error.empty();
                                    });
    return failed ? 1 : 0;
}
