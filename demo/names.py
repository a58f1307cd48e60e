"""First names and surnames as common in English schools as they are (about 1% of pupils share
a surname): for the generated LA; and how many rows it writes at a time."""

BATCH = 5000

FIRST = """Oliver George Harry Noah Jack Leo Arthur Muhammad Oscar Charlie Jacob Thomas Henry
William
Freddie Alfie Theo Archie Joshua James Ethan Isaac Lucas Mason Logan Max Daniel Riley Tyler Kai
Jayden Dylan Harrison Reuben Samuel Joseph Adam Ryan Liam Kian Olivia Amelia Isla Ava Ivy Freya Lily
Florence Mia Willow Rosie Sophia Isabella Grace Daisy Sienna Poppy Elsie Emily Ella Evie Ruby Chloe
Jessica Millie Phoebe Lola Amelie Maisie Layla Zara Aisha Maryam Hannah Leah Megan Jade Courtney
Keira Summer Alex Sam Jordan Taylor Casey Morgan Jamie Robin""".split()  # noqa: SIM905
LAST = """Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson
Thompson
Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin
Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson
Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell
Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson
Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes
Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Kowalski
Nowak Okafor Adeyemi Mensah Nguyen Chen Popescu Ahmed""".split()  # noqa: SIM905
