// SPDX-License-Identifier: GPL-2.0-only
/*
 * fedmoe-fake-scenario: a stand-in for a fedmoe scenario in the campaign
 * tests. Takes ns-3-style flags (--key=value, --PrintHelp), writes a
 * summary.json computed from its flags into --outDir, appends its run's
 * flags to --counter (so tests count executions), and fails with exit code 3
 * when --fail=true.
 */

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

int
main(int argc, char** argv)
{
    std::map<std::string, std::string> flags
        = {{"policy", "random"}, {"seed", "1"},       {"rounds", "10"},  {"distanceMax", "10"},
           {"clients", "4"},     {"network", "wifi"}, {"fail", "false"}, {"RngRun", "1"}};
    for (int i = 1; i < argc; ++i)
    {
        std::string a = argv[i];
        if (a == "--PrintHelp")
        {
            std::cout << "fedmoe-fake-scenario [Program Options] [General Arguments]\n\n"
                      << "Program Options:\n"
                      << "    --outDir:       output folder [results/fake]\n"
                      << "    --policy:       random|greedy|load-balanced|channel-aware [random]\n"
                      << "    --seed:         seed [1]\n"
                      << "    --rounds:       rounds [10]\n"
                      << "    --clients:      clients [4]\n"
                      << "    --distanceMax:  max distance, m [10]\n"
                      << "    --network:      wifi|p2p [wifi]\n"
                      << "    --fail:         fail with exit code 3 [false]\n"
                      << "    --counter:      append this run's flags to this file []\n\n"
                      << "General Arguments:\n"
                      << "    --PrintGlobals:              Print the list of globals.\n"
                      << "    --PrintHelp:                 Print this help message.\n";
            return 0;
        }
        if (a == "--PrintGlobals")
        {
            std::cout << "Global values:\n    --RngRun=[1]\n        The substream index used "
                         "for all streams\n";
            return 0;
        }
        auto eq = a.find('=');
        if (a.rfind("--", 0) != 0 || eq == std::string::npos)
        {
            std::cerr << "fake-scenario: bad argument " << a << "\n";
            return 1;
        }
        const std::string key = a.substr(2, eq - 2);
        if (flags.count(key) == 0 && key != "outDir" && key != "counter"
            && key.find("::") == std::string::npos)
        {
            std::cerr << "fake-scenario: unknown flag --" << key << "\n";
            return 1;
        }
        flags[key] = a.substr(eq + 1);
    }
    if (flags.count("counter") != 0)
    {
        std::ofstream counter(flags["counter"], std::ios::app);
        counter << flags["policy"] << " " << flags["distanceMax"] << " " << flags["seed"] << "\n";
    }
    std::cout << "fake-scenario: policy=" << flags["policy"] << " seed=" << flags["seed"]
              << std::endl;
    if (flags["fail"] == "true")
    {
        std::cerr << "fake-scenario: failing as asked (--fail=true)" << std::endl;
        return 3;
    }
    const std::map<std::string, double> base
        = {{"random", 0.2}, {"greedy", 0.4}, {"load-balanced", 0.6}, {"channel-aware", 0.7}};
    const double seed = std::stod(flags["seed"]);
    const double distance = std::stod(flags["distanceMax"]);
    nlohmann::ordered_json summary;
    summary["status"] = "ok";
    summary["policy"] = flags["policy"];
    summary["seed"] = std::stoi(flags["seed"]);
    summary["rounds"] = std::stoi(flags["rounds"]);
    summary["final_accuracy"]
        = base.count(flags["policy"]) ? base.at(flags["policy"]) + 0.01 * seed : 0.1;
    summary["rounds_to_target"] = 5 + static_cast<int>(seed);
    summary["time_to_target_s"] = distance * 0.5 + seed;
    summary["bytes"] = {{"down", 1000}, {"up", 2000}};
    summary["wall_time_s"] = 0.01;
    std::ofstream out(flags["outDir"] + "/summary.json");
    out << summary.dump(2) << "\n";
    return out ? 0 : 1;
}
