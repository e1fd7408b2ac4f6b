import SeatCLI

Seatctl.runMain()
