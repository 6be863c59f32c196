// SPDX-License-Identifier: GPL-3.0-or-later
#include <iostream>
int main() { std::cout << "sozbatch " SOZBATCH_VERSION "\n"; }
