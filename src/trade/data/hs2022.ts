/**
 * The Harmonized System 2022 nomenclature: its 21 sections, 96 chapters, 1,228 headings and 5,612
 * subheadings, one per line as `code,parent,description` (a section's parent is empty, a chapter's
 * is its section's Roman numeral, a heading's its chapter, a subheading's its heading; the
 * description is the rest of the line and may hold commas).
 *
 * Source: the `datasets/harmonized-system` data package (built from UN Comtrade's HS 2022
 * classification), copied from ../shared/fixtures/hs2022/ (harmonized-system.csv and
 * sections.csv); licence: Open Data Commons Public Domain Dedication and License (PDDL) 1.0.
 * See README.md beside this file for how it was converted. Parsed once, on first use (src/trade/hs.ts).
 */
export const HS2022_CSV = `
I,,live animals; animal products
II,,Vegetable products
III,,Animal or vegetable fats and oils and their cleavage products; prepared edible fats; animal or vegetable waxes
IV,,Prepared foodstuffs; beverages, spirits and vinegar; tobacco and manufactured tobacco substitutes
V,,Mineral products
VI,,Products of the chemical or allied industries
VII,,Plastics and articles thereof; rubber and articles thereof
VIII,,Raw hides and skins, leather, furskins and articles thereof; saddlery and harness; travel goods, handbags and similar containers; articles of animal gut (other than silk-worm gut)
IX,,Wood and articles of wood; wood charcoal; cork and articles of cork; manufactures of straw, of esparto or of other plaiting materials; basketware and wickerwork
X,,Pulp of wood or of other fibrous cellulosic material; recovered (waste and scrap) paper or paperboard; paper and paperboard and articles thereof
XI,,Textiles and textile articles
XII,,Footwear, headgear, umbrellas, sun umbrellas, walking-sticks, seat-sticks, whips, riding-crops and parts thereof; prepared feathers and articles made therewith; artificial flowers; articles of human hair
XIII,,Articles of stone, plaster, cement, asbestos, mica or similar materials; ceramic products; glass and glassware
XIV,,Natural or cultured pearls, precious or semi-precious stones, precious metals, metals clad with precious metal and articles thereof; imitation jewellery; coin
XV,,Base metals and articles of base metal
XVI,,Machinery and mechanical appliances; electrical equipment; parts thereof; sound recorders and reproducers, television image and sound recorders and reproducers, and parts and accessories of such articles
XVII,,Vehicles, aircraft, vessels and associated transport equipment
XVIII,,Optical, photographic, cinematographic, measuring, checking, precision, medical or surgical instruments and apparatus; clocks and watches; musical instruments; parts and accessories thereof
XIX,,Arms and ammunition; parts and accessories thereof
XX,,Miscellaneous manufactured articles
XXI,,Works of art, collectors' pieces and antiques
01,I,Animals; live
0101,01,Horses, asses, mules and hinnies; live
010121,0101,Horses; live, pure-bred breeding animals
010129,0101,Horses; live, other than pure-bred breeding animals
010130,0101,Asses; live
010190,0101,Mules and hinnies; live
0102,01,Bovine animals; live
010221,0102,Cattle; live, pure-bred breeding animals
010229,0102,Cattle; live, other than pure-bred breeding animals
010231,0102,Buffalo; live, pure-bred breeding animals
010239,0102,Buffalo; live, other than pure-bred breeding animals
010290,0102,Bovine animals; live, other than cattle and buffalo
0103,01,Swine; live
010310,0103,Swine; live, pure-bred breeding animals
010391,0103,Swine; live, other than pure-bred breeding animals, weighing less than 50kg
010392,0103,Swine; live, other than pure-bred breeding animals, weighing 50kg or more
0104,01,Sheep and goats; live
010410,0104,Sheep; live
010420,0104,Goats; live
0105,01,Poultry; live, fowls of the species Gallus domesticus, ducks, geese, turkeys and guinea fowls
010511,0105,Poultry; live, fowls of the species Gallus domesticus, weighing not more than 185g
010512,0105,Poultry; live, turkeys, weighing not more than 185g
010513,0105,Poultry; live, ducks, weighing not more than 185g
010514,0105,Poultry; live, geese, weighing not more than 185g
010515,0105,Poultry; live, guinea fowls, weighing not more than 185g
010594,0105,Poultry; live, fowls of the species Gallus domesticus, weighing more than 185g
010599,0105,Poultry; live, ducks, geese, turkeys and guinea fowls, weighing more than 185g
0106,01,Animals; live, n.e.c. in chapter 01
010611,0106,Mammals; live, primates
010612,0106,Mammals; live, whales, dolphins and porpoises (mammals of the order Cetacea); manatees and dugongs (mammals of the order Sirenia); seals, sea lions and walruses (mammals of the suborder Pinnipedia)
010613,0106,Mammals; live, camels and other camelids (Camelidae)
010614,0106,Mammals; live, rabbits and hares
010619,0106,Mammals; live, other than primates, whales, dolphins, porpoises (mammals of the order Cetacea); manatees, dugongs (mammals of the order Sirenia); seals, sea lions, walruses (mammals of the suborder Pinnipedia), camels, other camelids, rabbits and hares
010620,0106,Reptiles; live (including snakes and turtles)
010631,0106,Birds; live, birds of prey
010632,0106,Birds; live, Psittaciformes
010633,0106,Birds; live, ostriches; emus (Dromaius novaehollandiae)
010639,0106,Birds; live, other than birds of prey, Psittaciformes, ostriches and emus (Dromaius novaehollandiae)
010641,0106,Insects; live, bees
010649,0106,Insects; live, other than bees
010690,0106,Animals; live, n.e.c. in chapter 01, other than mammals, reptiles, birds and insects
02,I,Meat and edible meat offal
0201,02,Meat of bovine animals; fresh or chilled
020110,0201,Meat; of bovine animals, carcasses and half-carcasses, fresh or chilled
020120,0201,Meat; of bovine animals, cuts with bone in (excluding carcasses and half-carcasses), fresh or chilled
020130,0201,Meat; of bovine animals, boneless cuts, fresh or chilled
0202,02,Meat of bovine animals; frozen
020210,0202,Meat; of bovine animals, carcasses and half-carcasses, frozen
020220,0202,Meat; of bovine animals, cuts with bone in (excluding carcasses and half-carcasses), frozen
020230,0202,Meat; of bovine animals, boneless cuts, frozen
0203,02,Meat of swine; fresh, chilled or frozen
020311,0203,Meat; of swine, carcasses and half-carcasses, fresh or chilled
020312,0203,Meat; of swine, hams, shoulders and cuts thereof, with bone in, fresh or chilled
020319,0203,Meat; of swine, n.e.c. in item no. 0203.1, fresh or chilled
020321,0203,Meat; of swine, carcasses and half-carcasses, frozen
020322,0203,Meat; of swine, hams, shoulders and cuts thereof, with bone in, frozen
020329,0203,Meat; of swine, n.e.c. in item no. 0203.2, frozen
0204,02,Meat of sheep or goats; fresh, chilled or frozen
020410,0204,Meat; of sheep, lamb carcasses and half-carcasses, fresh or chilled
020421,0204,Meat; of sheep, carcasses and half-carcasses (excluding carcasses and half-carcasses of lamb), fresh or chilled
020422,0204,Meat; of sheep (including lamb), cuts with bone in (excluding carcasses and half-carcasses), fresh or chilled
020423,0204,Meat; of sheep (including lamb), boneless cuts, fresh or chilled
020430,0204,Meat; of sheep, lamb carcasses and half-carcasses, frozen
020441,0204,Meat; of sheep, carcasses and half-carcasses (excluding carcasses and half-carcasses of lamb), frozen
020442,0204,Meat; of sheep (including lamb), cuts with bone in (excluding carcasses and half-carcasses), frozen
020443,0204,Meat; of sheep (including lamb), boneless cuts, frozen
020450,0204,Meat; of goats, fresh, chilled or frozen
0205,02,Meat; of horses, asses, mules or hinnies, fresh, chilled or frozen
020500,0205,Meat; of horses, asses, mules or hinnies, fresh, chilled or frozen
0206,02,Edible offal of bovine animals, swine, sheep, goats, horses, asses, mules or hinnies; fresh, chilled or frozen
020610,0206,Offal, edible; of bovine animals, fresh or chilled
020621,0206,Offal, edible; of bovine animals, tongues, frozen
020622,0206,Offal, edible; of bovine animals, livers, frozen
020629,0206,Offal, edible; of bovine animals, (other than tongues and livers), frozen
020630,0206,Offal, edible; of swine, fresh or chilled
020641,0206,Offal, edible; of swine, livers, frozen
020649,0206,Offal, edible; of swine, (other than livers), frozen
020680,0206,Offal, edible; of sheep, goats, horses, asses, mules or hinnies, fresh or chilled
020690,0206,Offal, edible; of sheep, goats, horses, asses, mules or hinnies, frozen
0207,02,Meat and edible offal of poultry; of the poultry of heading no. 0105, (i.e. fowls of the species Gallus domesticus), fresh, chilled or frozen
020711,0207,Meat and edible offal; of fowls of the species Gallus domesticus, not cut in pieces, fresh or chilled
020712,0207,Meat and edible offal; of fowls of the species Gallus domesticus, not cut in pieces, frozen
020713,0207,Meat and edible offal; of fowls of the species Gallus domesticus, cuts and offal, fresh or chilled
020714,0207,Meat and edible offal; of fowls of the species Gallus domesticus, cuts and offal, frozen
020724,0207,Meat and edible offal; of turkeys, not cut in pieces, fresh or chilled
020725,0207,Meat and edible offal; of turkeys, not cut in pieces, frozen
020726,0207,Meat and edible offal; of turkeys, cuts and offal, fresh or chilled
020727,0207,Meat and edible offal; of turkeys, cuts and offal, frozen
020741,0207,Meat and edible offal; of ducks, not cut in pieces, fresh or chilled
020742,0207,Meat and edible offal; of ducks, not cut in pieces, frozen
020743,0207,Meat and edible offal; of ducks, fatty livers (foie gras), fresh or chilled
020744,0207,Meat and edible offal; of ducks, cuts and offal, excluding fatty livers, fresh or chilled
020745,0207,Meat and edible offal; of ducks, cuts and offal, excluding fatty livers, frozen
020751,0207,Meat and edible offal; of geese, not cut in pieces, fresh or chilled
020752,0207,Meat and edible offal; of geese, not cut in pieces, frozen
020753,0207,Meat and edible offal; of geese, fatty livers (foie gras), fresh or chilled
020754,0207,Meat and edible offal; of geese, cuts and offal, excluding fatty livers, fresh or chilled
020755,0207,Meat and edible offal; of geese, cuts and offal, excluding fatty livers, frozen
020760,0207,Meat and edible offal; of guinea fowls, fresh, chilled or frozen
0208,02,Meat and edible meat offal, n.e.c. in chapter 2; fresh, chilled or frozen
020810,0208,Meat and edible meat offal; of rabbits or hares, fresh, chilled or frozen
020830,0208,Meat and edible meat offal; of primates, fresh, chilled or frozen
020840,0208,Meat and edible meat offal; of whales, dolphins and porpoises (mammals of the order Cetacea); of manatees and dugongs (mammals of the order Sirenia); of seals, sea lions and walruses (mammals of the suborder Pinnipedia), fresh, chilled or frozen
020850,0208,Meat and edible meat offal; of reptiles (including snakes and turtles), fresh, chilled or frozen
020860,0208,Meat and edible meat offal; of camels and other camelids (Camelidae), fresh, chilled or frozen
020890,0208,Meat and edible meat offal; n.e.c. in chapter 2, fresh, chilled or frozen
0209,02,Pig fat, free of lean meat, and poultry fat, not rendered or otherwise extracted, fresh, chilled, frozen, salted, in brine, dried or smoked
020910,0209,Fat; pig fat, free of lean meat, not rendered or otherwise extracted, fresh, chilled, frozen, salted, in brine, dried or smoked
020990,0209,Fat; poultry fat, not rendered or otherwise extracted, fresh, chilled, frozen, salted, in brine, dried or smoked
0210,02,Meat and edible meat offal; salted, in brine, dried or smoked; edible flours and meals of meat or meat offal
021011,0210,Meat; salted, in brine, dried or smoked, of swine, hams, shoulders and cuts thereof, with bone in
021012,0210,Meat; salted, in brine, dried or smoked, of swine, bellies (streaky) and cuts thereof
021019,0210,Meat; salted in brine, dried or smoked, of swine, n.e.c. in item no. 0210.1
021020,0210,Meat; salted, in brine, dried or smoked, of bovine animals
021091,0210,Meat and edible meat offal; salted, in brine, dried or smoked, and edible flours and meals of meat or meat offal, of primates
021092,0210,Meat and edible meat offal; salted, in brine, dried or smoked; edible flours, meals of meat or meat offal, of whales, dolphins, porpoises (of order Cetacea); manatees, dugongs (of order Sirenia); seals, sea lions, and walruses (of suborder Pinnipedia)
021093,0210,Meat and edible meat offal; salted, in brine, dried or smoked, and edible flours and meals of meat or meat offal, of reptiles (including snakes and turtles)
021099,0210,Meat and edible meat offal; salted, in brine, dried or smoked, and edible flours and meals of meat or meat offal, other than of primates, whales, dolphins, porpoises, manatees, dugongs, seals, sea lions, walruses, reptiles (including snakes and turtles)
03,I,Fish and crustaceans, molluscs and other aquatic invertebrates
0301,03,Fish; live
030111,0301,Fish; live, ornamental, freshwater
030119,0301,Fish; live, ornamental, other than freshwater
030191,0301,Fish; live, trout (Salmo trutta, Oncorhynchus mykiss, Oncorhynchus clarki, Oncorhynchus aguabonita, Oncorhynchus gilae, Oncorhynchus apache and Oncorhynchus chrysogaster)
030192,0301,Fish; live, eels (Anguilla spp.)
030193,0301,Fish; live, carp (Cyprinus spp., Carassius spp., Ctenopharyngodon idellus, Hypophthalmichthys spp., Cirrhinus spp., Mylopharyngodon piceus, Catla catla, Labeo spp., Osteochilus hasselti, Leptobarbus hoeveni, Megalobrama spp.)
030194,0301,Fish; live, Atlantic and Pacific bluefin tunas (Thunnus thynnus, Thunnus orientalis)
030195,0301,Fish; live, southern bluefin tunas (Thunnus maccoyii)
030199,0301,Fish; live, n.e.c. in heading 0301
0302,03,Fish; fresh or chilled, excluding fish fillets and other fish meat of heading 0304
030211,0302,Fish; fresh or chilled, trout (Salmo trutta, Oncorhynchus mykiss, Oncorhynchus clarki, Oncorhynchus aguabonita, Oncorhynchus gilae, Oncorhynchus apache and Oncorhynchus chrysogaster), excluding fillets, fish meat of 0304, and edible fish offal of 0302.9
030213,0302,Fish; fresh or chilled, Pacific salmon (Oncorhynchus nerka, Oncorhynchus gorbuscha, Oncorhynchus keta, Oncorhynchus tschawytscha, Oncorhynchus kisutch, Oncorhynchus masou, Oncorhynchus rhodurus), not fillets, meat of 0304, and edible fish offal of 0302.9
030214,0302,Fish; fresh or chilled, Atlantic salmon (Salmo salar) and Danube salmon (Hucho hucho), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030219,0302,Fish; fresh or chilled, salmonidae, n.e.c. in item no. 0302.1, excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030221,0302,Fish; fresh or chilled, halibut (Reinhardtius hippoglossoides, Hippoglossus hippoglossus, Hippoglossus stenolepis), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030222,0302,Fish; fresh or chilled, plaice (Pleuronectes platessa), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030223,0302,Fish; fresh or chilled, sole (Solea spp.), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030224,0302,Fish; fresh or chilled, turbots (Psetta maxima, Scophthalmidae), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030229,0302,Fish; fresh or chilled, flat fish, n.e.c. in item no. 0302.2, excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030231,0302,Fish; fresh or chilled, albacore or longfinned tunas (Thunnus alalunga), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030232,0302,Fish; fresh or chilled, yellowfin tunas (Thunnus albacares), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030233,0302,Fish; fresh or chilled, skipjack tuna (stripe-bellied bonito) (Katsuwonus pelamis), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030234,0302,Fish; fresh or chilled, bigeye tunas (Thunnus obesus), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030235,0302,Fish; fresh or chilled, Atlantic and Pacific bluefin tunas (Thunnus thynnus, Thunnus orientalis), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030236,0302,Fish; fresh or chilled, southern bluefin tunas (Thunnus maccoyii), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030239,0302,Fish; fresh or chilled, tuna, n.e.c. in item no. 0302.3, excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030241,0302,Fish; fresh or chilled, herrings (Clupea harengus, Clupea pallasii), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030242,0302,Fish; fresh or chilled, anchovies (Engraulis spp.), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030243,0302,Fish; fresh or chilled, sardines (Sardina pilchardus, Sardinops spp.), sardinella (Sardinella spp.), brisling or sprats (Sprattus sprattus), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030244,0302,Fish; fresh or chilled, mackerel (Scomber scombrus, Scomber australasicus, Scomber japonicus), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030245,0302,Fish; fresh or chilled, jack and horse mackerel (Trachurus spp.), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030246,0302,Fish; fresh or chilled, cobia (Rachycentron canadum), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030247,0302,Fish; fresh or chilled, swordfish (Xiphias gladius), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030249,0302,Fish; fresh or chilled, n.e.c. in item no. 0302.4, excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030251,0302,Fish; fresh or chilled, cod (Gadus morhua, Gadus ogac, Gadus macrocephalus), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030252,0302,Fish; fresh or chilled, haddock (Melanogrammus aeglefinus), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030253,0302,Fish; fresh or chilled, coalfish (Pollachius virens), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030254,0302,Fish; fresh or chilled, hake (Merluccius spp., Urophycis spp.), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030255,0302,Fish; fresh or chilled, Alaska pollock (Theragra chalcogramma), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030256,0302,Fish; fresh or chilled, blue whitings (Micromesistius poutassou, Micromesistius australis),excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030259,0302,Fish; fresh or chilled, n.e.c. in item no. 0302.5, excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030271,0302,Fish; fresh or chilled, tilapias (Oreochromis spp.), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030272,0302,Fish; fresh or chilled, catfish (Pangasius spp., Silurus spp., Clarias spp., Ictalurus spp.), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030273,0302,Fish; fresh or chilled, Carp (as specified by the WCO.), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030274,0302,Fish; fresh or chilled, eels (Anguilla spp.), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030279,0302,Fish; fresh or chilled, Nile perch (Lates niloticus) and snakeheads (Channa spp.), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030281,0302,Fish; fresh or chilled, dogfish and other sharks, excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030282,0302,Fish; fresh or chilled, rays and skates (Rajidae), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030283,0302,Fish; fresh or chilled, toothfish (Dissostichus spp.), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030284,0302,Fish; fresh or chilled, seabass (Dicentrarchus spp.), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030285,0302,Fish; fresh or chilled, seabream (Sparidae), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030289,0302,Fish; fresh or chilled, n.e.c. in heading 0302, excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0302.91 to 0302.99
030291,0302,Fish; fresh or chilled, livers, roes and milt
030292,0302,Fish; fresh or chilled, shark fins
030299,0302,Fish; fresh or chilled, fish fins (other than shark fins), heads, tails, maws and other edible fish offal
0303,03,Fish; frozen, excluding fish fillets and other fish meat of heading 0304
030311,0303,Fish; frozen, Pacific salmon, sockeye salmon (red salmon) (Oncorhynchus nerka), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030312,0303,Fish; frozen, Pacific salmon (Oncorhynchus gorbuscha/keta/tschawytscha/ kisutch/masou/rhodurus) other than sockeye salmon (Oncorhynchus nerka), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030313,0303,Fish; frozen, Atlantic salmon (Salmo salar) and Danube salmon (Hucho hucho), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030314,0303,Fish; frozen, trout (Salmo trutta, Oncorhynchus mykiss, Oncorhynchus clarki, Oncorhynchus aguabonita, Oncorhynchus gilae, Oncorhynchus apache and Oncorhynchus chrysogaster), excluding fillets, meat of 0304, and edible fish offal of 0303.91 to 0303.99
030319,0303,Fish; frozen, salmonidae, n.e.c. in item no. 0303.1, excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030323,0303,Fish; frozen, tilapias (Oreochromis spp.), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030324,0303,Fish; frozen, catfish (Pangasius spp., Silurus spp., Clarias spp., Ictalurus spp.), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030325,0303,Fish; frozen, carp (as specified by the WCO), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030326,0303,Fish; frozen, eels (Anguilla spp.), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030329,0303,Fish; frozen, Nile perch (Lates niloticus) and snakeheads (Channa spp.), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030331,0303,Fish; frozen, halibut (Reinhardtius hippoglossoides, Hippoglossus hippoglossus, Hippoglossus stenolepis), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030332,0303,Fish; frozen, plaice (Pleuronectes platessa), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030333,0303,Fish; frozen, sole (Solea spp.), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030334,0303,Fish; frozen, turbots (Psetta maxima, Scophthalmidae), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030339,0303,Fish; frozen, flat fish, n.e.c. in item no. 0303.3, excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030341,0303,Fish; frozen, albacore or longfinned tunas (Thunnus alalunga), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030342,0303,Fish; frozen, yellowfin tunas (Thunnus albacares), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030343,0303,Fish; frozen, skipjack tuna (stripe-bellied bonito) (Katsuwonus pelamis), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030344,0303,Fish; frozen, bigeye tunas (Thunnus obesus), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030345,0303,Fish; frozen, Atlantic and Pacific bluefin tunas (Thunnus thynnus, Thunnus orientalis), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030346,0303,Fish; frozen, southern bluefin tunas (Thunnus maccoyii), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030349,0303,Fish; frozen, tuna, n.e.c. in item no. 0303.4, excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030351,0303,Fish; frozen, herrings (Clupea harengus, Clupea pallasii), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030353,0303,Fish; frozen, sardines (Sardina pilchardus, Sardinops spp.), sardinella (Sardinella spp.), brisling or sprats (Sprattus sprattus), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030354,0303,Fish; frozen, mackerel (Scomber scombrus, Scomber australasicus, Scomber japonicus), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030355,0303,Fish; frozen, jack and horse mackerel (Trachurus spp.), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030356,0303,Fish; frozen, cobia (Rachycentron canadum), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030357,0303,Fish; frozen, swordfish (Xiphias gladius), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030359,0303,Fish; frozen, n.e.c. in item no. 0303.5, excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030363,0303,Fish; frozen, cod (Gadus morhua, Gadus ogac, Gadus macrocephalus), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030364,0303,Fish; frozen, haddock (Melanogrammus aeglefinus), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030365,0303,Fish; frozen, coalfish (Pollachius virens), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030366,0303,Fish; frozen, hake (Merluccius spp., Urophycis spp.), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030367,0303,Fish; frozen, Alaska pollock (Theragra chalcogramma), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030368,0303,Fish; frozen, blue whitings (Micromesistius poutassou, Micromesistius australis), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030369,0303,Fish; frozen, of Bregmacerotidae, Euclichthyidae, Gadidae, Macrouridae, Melanonidae, Merlucciidae, Moridae, Muraenolepididae, other than cod, haddock, coalfish, hake, Alaska pollack, blue whitings, not fillets, meat of 0304, and edible offal of 0303.9
030381,0303,Fish; frozen, dogfish and other sharks, excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030382,0303,Fish; frozen, rays and skates (Rajidae), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030383,0303,Fish; frozen, toothfish (Dissostichus spp.), excluding fillets, livers, roes, and edible fish offal of subheadings 0303.91 to 0303.99
030384,0303,Fish; frozen, seabass (Dicentrarchus spp.), excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030389,0303,Fish; frozen, n.e.c. in heading 0303, excluding fillets, fish meat of 0304, and edible fish offal of subheadings 0303.91 to 0303.99
030391,0303,Fish; frozen, livers, roes and milt
030392,0303,Fish; frozen, shark fins
030399,0303,Fish; frozen, fish fins (other than shark fins), heads, tails, maws and other edible fish offal
0304,03,Fish fillets and other fish meat (whether or not minced); fresh, chilled or frozen
030431,0304,Fish fillets; fresh or chilled, tilapias (Oreochromis spp.)
030432,0304,Fish fillets; fresh or chilled, catfish (Pangasius spp., Silurus spp., Clarias spp., Ictalurus spp.)
030433,0304,Fish fillets; fresh or chilled, Nile perch (Lates niloticus)
030439,0304,Fish fillets; fresh or chilled, carp (as specified by the WCO), eels (Anguilla spp.), and snakeheads (Channa spp.)
030441,0304,Fish fillets; fresh or chilled, salmon, Pacific (Oncorhynchus nerka, Oncorhynchus gorbuscha, Oncorhynchus keta, Oncorhynchus tschawytscha, Oncorhynchus kisutch, Oncorhynchus masou and Oncorhynchus rhodurus), Atlantic (Salmo salar), Danube (Hucho hucho)
030442,0304,Fish fillets; fresh or chilled, trout (Salmo trutta, Oncorhynchus mykiss, Oncorhynchus clarki, Oncorhynchus aguabonita, Oncorhynchus gilae, Oncorhynchus apache and Oncorhynchus chrysogaster)
030443,0304,Fish fillets; fresh or chilled, flat fish (Pleuronectidae, Bothidae, Cynoglossidae, Soleidae, Scophthalmidae and Citharidae)
030444,0304,Fish fillets; fresh or chilled, of the families Bregmacerotidae, Euclichthyidae, Gadidae, Macrouridae, Melanonidae, Merlucciidae, Moridae, and Muraenolepididae
030445,0304,Fish fillets; fresh or chilled, swordfish (Xiphias gladius)
030446,0304,Fish fillets; fresh or chilled, toothfish (Dissostichus spp.)
030447,0304,Fish fillets; fresh or chilled, dogfish and other sharks
030448,0304,Fish fillets; fresh or chilled, rays and skates (Rajidae)
030449,0304,Fish fillets; fresh or chilled, other than fish of heading 0304.4
030451,0304,Fish meat, excluding fillets, whether or not minced; fresh or chilled, tilapias, catfish, carp, eels, Nile perch, and snakeheads
030452,0304,Fish meat, excluding fillets, whether or not minced; fresh or chilled, salmonidae
030453,0304,Fish meat, excluding fillets, whether or not minced; fresh or chilled, of the families Bregmacerotidae, Euclichthyidae, Gadidae, Macrouridae, Melanonidae, Merlucciidae, Moridae, and Muraenolepididae
030454,0304,Fish meat, excluding fillets, whether or not minced; fresh or chilled, swordfish (Xiphias gladius)
030455,0304,Fish meat, excluding fillets, whether or not minced; fresh or chilled, toothfish (Dissostichus spp.)
030456,0304,Fish meat; excluding fillets, whether or not minced; fresh or chilled, dogfish and other sharks
030457,0304,Fish meat; excluding fillets, whether or not minced; fresh or chilled, rays and skates (Rajidae)
030459,0304,Fish meat; excluding fillets, whether or not minced; fresh or chilled, of fish n.e.c. in item no. 0304.5
030461,0304,Fish fillets; frozen, tilapias (Oreochromis spp.)
030462,0304,Fish fillets; frozen, catfish (Pangasius spp., Silurus spp., Clarias spp., Ictalurus spp.)
030463,0304,Fish fillets; frozen, Nile Perch (Lates niloticus)
030469,0304,Fish fillets; frozen, carp (Cyprinus/Carassius/Ctenopharyngodon idellus/Hypophthalmichthys/Cirrhinus/Mylopharyngodon piceus/Catla catla/Labeo/Osteochilus hasselti/Leptobarbus hoeveni/Megalobrama), eels (Anguilla) and snakeheads (Channa)
030471,0304,Fish fillets; frozen, cod (Gadus morhua, Gadus ogac, Gadus macrocephalus)
030472,0304,Fish fillets; frozen, haddock (Melanogrammus aeglefinus)
030473,0304,Fish fillets; frozen, coalfish (Pollachius virens)
030474,0304,Fish fillets; frozen, hake (Merluccius spp., Urophycis spp.)
030475,0304,Fish fillets; frozen, Alaska pollock (Theragra chalcogramma)
030479,0304,Fish fillets; frozen, of the families Bregmacerotidae, Euclichthyidae, Gadidae, Macrouridae, Melanonidae, Merlucciidae, Moridae and Muraenolepididae other than cod, haddock, coalfish, hake, and Alaska pollock
030481,0304,Fish fillets; frozen, salmon, Pacific (Oncorhynchus nerka, Oncorhynchus gorbuscha, Oncorhynchus keta, Oncorhynchus tschawytscha, Oncorhynchus kisutch, Oncorhynchus masou, Oncorhynchus rhodurus), Atlantic (Salmo salar), and Danube (Hucho hucho)
030482,0304,Fish fillets; frozen, trout (Salmo trutta, Oncorhynchus mykiss, Oncorhynchus clarki, Oncorhynchus aguabonita, Oncorhynchus gilae, Oncorhynchus apache and Oncorhynchus chrysogaster)
030483,0304,Fish fillets; frozen, flat fish (Pleuronectidae, Bothidae, Cynoglossidae, Soleidae, Scophthalmidae and Citharidae)
030484,0304,Fish fillets; frozen, swordfish (Xiphias gladius)
030485,0304,Fish fillets; frozen, toothfish (Dissostichus spp.)
030486,0304,Fish fillets; frozen, herrings (Clupea harengus, Clupea pallasii)
030487,0304,Fish fillets; frozen, tunas (of the genus Thunnus), skipjack tuna (stripe-bellied bonito) (Katsuwonus pelamis)
030488,0304,Fish fillets; frozen, dogfish, other sharks, rays and skates (Rajidae)
030489,0304,Fish fillets; frozen, of fish n.e.c. in heading 0304.8
030491,0304,Fish meat, excluding fillets, whether or not minced; frozen, swordfish (Xiphias gladius)
030492,0304,Fish meat, excluding fillets, whether or not minced; frozen, toothfish (Dissostichus spp.)
030493,0304,Fish meat, excluding fillets, whether or not minced; frozen, tilapias, catfish, carp, eels, Nile perch, and snakeheads
030494,0304,Fish meat, excluding fillets, whether or not minced; frozen, Alaska Pollock (Theragra chalcogramma)
030495,0304,Fish meat, excluding fillets, whether or not minced; frozen, of the families Bregmacerotidae, Euclichthyidae, Gadidae, Macrouridae, Melanonidae, Merlucciidae, Moridae and Muraenolepididae, other than Alaska Pollock (Theragra chalcogramma)
030496,0304,Fish meat, excluding fillets, whether or not minced; frozen, dogfish and other sharks
030497,0304,Fish meat, excluding fillets, whether or not minced; frozen, rays and skates (Rajidae)
030499,0304,Fish meat, excluding fillets, whether or not minced; frozen, n.e.c. in item no. 0304.9
0305,03,Fish, dried, salted or in brine; smoked fish, whether or not cooked before, or during the smoking process
030520,0305,Fish; livers, roes and milt of fish, dried, smoked, salted or in brine
030531,0305,Fish fillets; dried, salted or in brine, but not smoked, tilapias, catfish, carp, eels, Nile perch, and snakeheads
030532,0305,Fish fillets; dried, salted or in brine, but not smoked, of the families Bregmacerotidae, Euclichthyidae, Gadidae, Macrouridae, Melanonidae, Merlucciidae, Moridae and Muraenolepididae
030539,0305,Fish fillets; dried, salted or in brine, but not smoked, n.e.c. in item no. 0305.3
030541,0305,Fish; smoked, whether or not cooked before or during smoking, salmon, Pacific (Oncorhynchus nerka, gorbuscha, keta, tschawytscha, kisutch, masou, rhodurus), Atlantic (Salmo salar) and Danube (Hucho hucho), includes fillets, but excludes edible fish offal
030542,0305,Fish; smoked, whether or not cooked before or during smoking, herrings (Clupea harengus, Clupea pallasii), includes fillets, but excludes edible fish offal
030543,0305,Fish; smoked, whether or not cooked before or during smoking, trout (Salmo trutta, Oncorhynchus mykiss/clarki/aguabonita/gilae/apache/chrysogaster), includes fillets, but excludes edible fish offal
030544,0305,Fish; smoked, whether or not cooked before or during smoking, tilapias, catfish, carp, eels, Nile perch, and snakeheads, includes fillets, but excludes edible fish offal
030549,0305,Fish; smoked, whether or not cooked before or during smoking, n.e.c. in item no. 0305.4, includes fillets, but excludes edible fish offal
030551,0305,Fish; dried, whether or not salted but not smoked, other than edible fish offal, cod (Gadus morhua, Gadus ogac, Gadus macrocephalus)
030552,0305,Fish; dried, whether or not salted but not smoked, tilapias, catfish, carp, eels, Nile perch, and snakeheads
030553,0305,Fish; dried, whether or not salted but not smoked, fish of the families Bregmacerotidae, Euclichthyidae, Gadidae, Macrouridae, Melanonidae, Merlucciidae, Moridae and Muraenolepididae, other than cod
030554,0305,Dried herrings, anchovies, sardines, sardinella, brisling or sprats, mackerel (incl Indian, jack, or horse), seerfishes, jacks, crevalles, cobia, silver pomfrets, Pacific saury, scads, capelin, swordfish, Kawakawa, bonitos, marlins, sailfishes, spearfish
030559,0305,Fish; dried, whether or not salted but not smoked, other than edible fish offal, n.e.c. in item no. 0305.5
030561,0305,Fish; salted or in brine, not dried or smoked, other than edible fish offal, herrings (Clupea harengas, Clupea pallasii)
030562,0305,Fish; salted or in brine, not dried or smoked, other than edible fish offal, cod (Gadus morhua, Gadus ogac, Gadus macrocephalus)
030563,0305,Fish; salted or in brine, not dried or smoked, other than edible fish offal, anchovies (Engrails spp.)
030564,0305,Fish; salted or in brine, not dried or smoked, other than edible fish offal, tilapias, catfish, carp, eels, Nile perch, and snakeheads
030569,0305,Fish; salted or in brine, not dried or smoked, other than edible fish offal, n.e.c. in item no. 0305.6
030571,0305,Fish; edible offal, shark fins
030572,0305,Fish; edible offal, fish heads, tails and maws
030579,0305,Fish; edible offal, other than shark fins, fish heads, tails and maws
0306,03,Crustaceans; in shell or not, live, fresh, chilled, frozen, dried, salted or in brine; smoked, cooked or not before or during smoking; in shell, steamed or boiled, whether or not chilled, frozen, dried, salted or in brine
030611,0306,Crustaceans; frozen, rock lobsters and other sea crawfish (Palinurus spp., Panulirus spp., Jasus spp.), in shell or not, smoked, cooked or not before or during smoking; in shell, cooked by steaming or by boiling in water
030612,0306,Crustaceans; frozen, lobsters (Homarus spp.), in shell or not, smoked, cooked or not before or during smoking; in shell, cooked by steaming or by boiling in water
030614,0306,Crustaceans; frozen, crabs, in shell or not, smoked, cooked or not before or during smoking; in shell, cooked by steaming or by boiling in water
030615,0306,Crustaceans; frozen, Norway lobsters (Nephrops norvegicus), in shell or not, smoked, cooked or not before or during smoking; in shell, cooked by steaming or by boiling in water
030616,0306,Crustaceans; frozen, cold-water shrimps and prawns (Pandalus spp., Crangon crangon), in shell or not, smoked, cooked or not before or during smoking; in shell, cooked by steaming or by boiling in water
030617,0306,Crustaceans; frozen, shrimps and prawns, excluding cold-water varieties, in shell or not, smoked, cooked or not before or during smoking; in shell, cooked by steaming or by boiling in water
030619,0306,Crustaceans; frozen, n.e.c. in item no. 0306.1, in shell or not, smoked, cooked or not before or during smoking; in shell, cooked by steaming or by boiling in water
030631,0306,Crustaceans; live, fresh or chilled, rock lobsters and other sea crawfish (Palinurus spp., Panulirus spp., Jasus spp.), in shell or not
030632,0306,Crustaceans; live, fresh or chilled, lobsters (Homarus spp.), whether in shell or not
030633,0306,Crustaceans; live, fresh or chilled, crabs, whether in shell or not
030634,0306,Crustaceans; live, fresh or chilled, Norway lobsters (Nephrops norvegicus), in shell or not
030635,0306,Crustaceans; live, fresh or chilled, cold-water shrimps and prawns (Pandalus spp., Crangon crangon), in shell or not
030636,0306,Crustaceans; live, fresh or chilled, shrimps and prawns excluding cold-water varieties, in shell or not
030639,0306,Crustaceans; live, fresh or chilled, n.e.c. in item no. 0306.3, in shell or not
030691,0306,Crustaceans; rock lobsters and other sea crawfish (Palinurus spp., Panulirus spp., Jasus spp.), smoked, cooked or not, whether in shell or not, whether or not cooked before or during smoking
030692,0306,Crustaceans; lobsters (Homarus spp.), smoked, cooked or not, whether in shell or not, whether or not cooked before or during smoking
030693,0306,Crustaceans; crabs, smoked, cooked or not, whether in shell or not, whether or not cooked before or during smoking
030694,0306,Crustaceans; Norway lobsters (Nephrops norvegicus), smoked, cooked or not, whether in shell or not, whether or not cooked before or during smoking
030695,0306,Crustaceans; shrimps and prawns, smoked, cooked or not, whether in shell or not, whether or not cooked before or during smoking
030699,0306,Crustaceans; smoked, whole, cooked or not, n.e.c. in item no. 0306.9, in shell or not
0307,03,Molluscs; whether in shell or not, live, fresh, chilled, frozen, dried, salted or in brine; smoked molluscs, whether in shell or not, whether or not cooked before or during the smoking process
030711,0307,Molluscs; oysters, whether in shell or not, live, fresh or chilled
030712,0307,Molluscs; oysters, whether in shell or not, frozen
030719,0307,Molluscs; oysters, whether in shell or not, dried, salted or in brine, smoked, cooked or not before or during the smoking process
030721,0307,Molluscs; scallops and other molluscs of the family Pectinidae, whether in shell or not, live, fresh or chilled
030722,0307,Molluscs; scallops and other molluscs of the family Pectinidae, whether in shell or not, frozen
030729,0307,Molluscs; scallops and other molluscs of the family Pectinidae, whether in shell or not, dried, salted, in brine, or smoked, cooked or not before or during the smoking process
030731,0307,Molluscs; mussels (Mytilus spp., Perna spp.), whether in shell or not, live, fresh or chilled
030732,0307,Molluscs; mussels (Mytilus spp., Perna spp.), whether in shell or not, frozen
030739,0307,Molluscs; mussels (Mytilus spp., Perna spp.), whether in shell or not, dried, salted, in brine, or smoked, cooked or not before or during the smoking process
030742,0307,Molluscs; cuttle fish and squid, whether in shell or not, live, fresh or chilled
030743,0307,Molluscs; cuttle fish and squid, whether in shell or not, frozen
030749,0307,Molluscs; cuttle fish and squid, whether in shell or not, dried, salted, in brine, or smoked, cooked or not before or during the smoking process
030751,0307,Molluscs; octopus (Octopus spp.), live, fresh or chilled
030752,0307,Molluscs; octopus (Octopus spp.), frozen
030759,0307,Molluscs; octopus (Octopus spp.), dried, salted, in brine, or smoked, cooked or not before or during the smoking process
030760,0307,Molluscs; snails, other than sea snails, whether in shell or not, live, fresh, chilled, frozen, dried, salted, in brine, or smoked, cooked or not before or during the smoking process
030771,0307,Molluscs; clams, cockles and ark shells (families Arcidae, Arcticidae, Cardiidae, Donacidae, Hiatellidae, Mactridae, Mesodesmatidae, Myidae, Semelidae, Solecurtidae, Solenidae, Tridacnidae and Veneridae), whether in shell or not, live, fresh or chilled
030772,0307,Molluscs; clams, cockles, ark shells (Arcidae, Arcticidae, Cardiidae, Donacidae, Hiatellidae, Mactridae, Mesodesmatidae, Myidae, Semelidae, Solecurtidae, Solenidae, Tridacnidae and Veneridae), whether in shell or not, frozen
030779,0307,Molluscs; clams, cockle, ark shells (families Arcidae, Arcticidae, Cardiidae, Donacidae, Hiatellidae, Mactridae, Mesodesmatidae, Myidae, Semelidae, Solecurtidae, Solenidae, Tridacnidae, Veneridae), whether in shell or not, dried, salted, in brine, smoked
030781,0307,Molluscs; abalone (Haliotis spp.), whether in shell or not, live, fresh or chilled
030782,0307,Molluscs; stromboid conchs (Strombus spp.), whether in shell or not, live, fresh or chilled
030783,0307,Molluscs; abalone (Haliotis spp.), whether in shell or not, frozen
030784,0307,Molluscs; stromboid conchs (Strombus spp.), whether in shell or not, frozen
030787,0307,Molluscs; abalone (Haliotis spp.), whether in shell or not, dried, salted, in brine, or smoked, cooked or not before or during the smoking process
030788,0307,Molluscs; stromboid conchs (Strombus spp.), whether in shell or not, dried, salted, in brine, or smoked, cooked or not before or during the smoking process
030791,0307,Molluscs; n.e.c. in heading 0307, whether in shell or not, live or fresh, chilled
030792,0307,Molluscs; n.e.c. in heading 0307, whether in shell or not, frozen
030799,0307,Molluscs; n.e.c. in heading 0307, whether in shell or not, dried, salted, in brine, or smoked, cooked or not before or during the smoking process
0308,03,Aquatic invertebrates other than crustaceans and molluscs, live, fresh, chilled, frozen, dried, salted or in brine; smoked aquatic invertebrates other than crustaceans and molluscs, whether or not cooked before or during the smoking process
030811,0308,Aquatic invertebrates; sea cucumbers (Stichopus japonicus, Holothuroidea), live, fresh or chilled
030812,0308,Aquatic invertebrates; sea cucumbers (Stichopus japonicus, Holothuroidea), frozen
030819,0308,Aquatic invertebrates; sea cucumbers (Stichopus japonicus, Holothuroidea), dried, salted or in brine, smoked, whether or not cooked before or during the smoking process
030821,0308,Aquatic invertebrates; sea urchins (Strongylocentrotus spp., Paracentrotus lividus, Loxechinus albus, Echinus esculentus), live, fresh or chilled
030822,0308,Aquatic invertebrates; sea urchins (Strongylocentrotus spp., Paracentrotus lividus, Loxechinus albus, Echinus esculentus), frozen
030829,0308,Aquatic invertebrates; sea urchins (Strongylocentrotus spp., Paracentrotus lividus, Loxechinus albus, Echinus esculentus), dried, salted or in brine, smoked, whether or not cooked before or during smoking process
030830,0308,Aquatic invertebrates; jellyfish (Rhopilema spp.), live, fresh, chilled, frozen, dried, salted or in brine, smoked, whether or not cooked before or during smoking
030890,0308,Aquatic invertebrates; other than crustaceans, molluscs, sea urchins, sea cucumbers and jellyfish, live, fresh, chilled, frozen, dried, salted or in brine, smoked, cooked or not before or during smoking
0309,03,Flours, meals and pellets of fish, crustaceans, molluscs and other aquatic invertebrates, fit for human consumption
030910,0309,Flours, meals and pellets of fish, fit for human consumption
030990,0309,Flours, meals and pellets of crustaceans, molluscs and other aquatic invertebrates, fit for human consumption
04,I,Dairy produce; birds' eggs; natural honey; edible products of animal origin, not elsewhere specified or included
0401,04,Milk and cream; not concentrated, not containing added sugar or other sweetening matter
040110,0401,Dairy produce; milk and cream, not concentrated, not containing added sugar or other sweetening matter, of a fat content, by weight, not exceeding 1%
040120,0401,Dairy produce; milk and cream, not concentrated, not containing added sugar or other sweetening matter, of a fat content, by weight, exceeding 1% but not exceeding 6%
040140,0401,Dairy produce; milk and cream, not concentrated, not containing added sugar or other sweetening matter, of a fat content, by weight, exceeding 6% but not exceeding 10%
040150,0401,Dairy produce; milk and cream, not concentrated, not containing added sugar or other sweetening matter, of a fat content, by weight, exceeding 10%
0402,04,Milk and cream; concentrated or containing added sugar or other sweetening matter
040210,0402,Dairy produce; milk and cream, concentrated or containing added sugar or other sweetening matter, in powder, granules or other solid forms, of a fat content not exceeding 1.5% (by weight)
040221,0402,Dairy produce; milk and cream, concentrated, not containing added sugar or other sweetening matter, in powder, granules or other solid forms, of a fat content exceeding 1.5% (by weight)
040229,0402,Dairy produce; milk and cream, containing added sugar or other sweetening matter, in powder, granules or other solid forms, of a fat content exceeding 1.5% (by weight)
040291,0402,Dairy produce; milk and cream, concentrated, not containing added sugar or other sweetening matter, other than in powder, granules or other solid forms
040299,0402,Dairy produce; milk and cream, containing added sugar or other sweetening matter, other than in powder, granules or other solid forms
0403,04,Yogurt; buttermilk, curdled milk and cream, kephir and other fermented or acidified milk and cream, whether or not concentrated or containing added sugar or other sweetening matter or flavoured or containing added fruit, nuts or cocoa.
040320,0403,Dairy produce; yoghurt, whether or not concentrated or containing added sugar or other sweetening matter or flavoured or containing added fruit, nuts or cocoa
040390,0403,Dairy produce; buttermilk, curdled milk or cream, kephir, fermented or acidified milk or cream, whether or not concentrated or containing added sweetening, flavouring, fruit, nuts or cocoa (excluding yoghurt)
0404,04,Whey and products consisting of natural milk constituents; whether or not containing added sugar or other sweetening matter, not elsewhere specified or included
040410,0404,Dairy produce; whey, whether or not concentrated or containing added sugar or other sweetening matter
040490,0404,Dairy produce; natural milk constituents (excluding whey), whether or not containing added sugar or other sweetening matter, n.e.c. in chapter 04
0405,04,Butter and other fats and oils derived from milk; dairy spreads
040510,0405,Dairy produce; derived from milk, butter
040520,0405,Dairy produce; dairy spreads
040590,0405,Dairy produce; fats and oils derived from milk (other than butter or dairy spreads)
0406,04,Cheese and curd
040610,0406,Dairy produce; fresh cheese (including whey cheese), not fermented, and curd
040620,0406,Dairy produce; cheese of all kinds, grated or powdered
040630,0406,Dairy produce; cheese, processed (not grated or powdered)
040640,0406,Dairy produce; cheese, blue-veined and other cheese containing veins produced by Penicillium roqueforti (not grated, powdered or processed)
040690,0406,Dairy produce; cheese (not grated, powdered or processed), n.e.c. in heading no. 0406
0407,04,Birds' eggs, in shell; fresh, preserved or cooked
040711,0407,Birds' eggs, in shell; fresh, fertilised eggs for incubation, of fowls of the species Gallus domesticus (domestic hens)
040719,0407,Birds' eggs, in shell; fresh, fertilised eggs for incubation, other than fowls of the species Gallus domesticus (domestic hens)
040721,0407,Birds' eggs, in shell; fresh, not for incubation, of fowls of the species Gallus domesticus (domestic hens)
040729,0407,Birds' eggs, in shell; fresh, not for incubation, other than fowls of the species Gallus domesticus (domestic hens)
040790,0407,Birds' eggs, in shell; preserved or cooked
0408,04,Birds' eggs, not in shell; egg yolks, fresh, dried, cooked by steaming or boiling in water, moulded, frozen or otherwise preserved, whether or not containing added sugar or other sweetening matter
040811,0408,Eggs; birds' eggs, yolks, dried, whether or not containing added sugar or other sweetening matter
040819,0408,Eggs; birds' eggs, yolks, fresh, cooked by steaming or by boiling in water, moulded, frozen or otherwise preserved, whether or not containing added sugar or other sweetening matter
040891,0408,Eggs; birds' eggs (not in shell, excluding yolks only), dried, whether or not containing added sugar or other sweetening matter
040899,0408,Eggs; birds' eggs (not in shell, excluding yolks only), fresh, cooked by steaming or boiling in water, moulded, frozen, otherwise preserved, whether or not containing added sugar or other sweetening matter
0409,04,Honey; natural
040900,0409,Honey; natural
0410,04,Animal products; insects and other edible products of animal origin, not elsewhere specified or included
041010,0410,Animal products; insects
041090,0410,Animal products; edible products of animal origin, not elsewhere specified or included, other than insects
05,I,Animal originated products; not elsewhere specified or included
0501,05,Human hair; unworked, whether or not washed or scoured; waste of human hair
050100,0501,Animal products; hair, human, unworked, whether or not washed or scoured, and waste of human hair
0502,05,Pigs', hogs' or boars' bristles and hair; and waste thereof
050210,0502,Animal products; hair and bristles, of pigs, hogs or boars, and waste thereof
050290,0502,Animal products; badger hair and other brush making hair and waste of such bristles or hair, n.e.c. in heading no. 0502 (excluding horsehair)
0504,05,Guts, bladders and stomachs of animals (other than fish); whole and pieces thereof, fresh, chilled, frozen, salted, in brine, dried or smoked
050400,0504,Animal products; guts, bladders and stomachs of animals (other than fish), whole and pieces thereof, fresh, chilled, frozen, salted, in brine, dried or smoked
0505,05,Skins and other parts of birds with feathers, down; feathers, down and parts thereof; not further worked than cleaned, disinfected, treated for preservation; powder, waste and parts of feathers
050510,0505,Animal products; feathers and down used for stuffing, not further worked than cleaned, disinfected or treated for preservation
050590,0505,Animal products; skins and other parts of birds, feathers and down (not for stuffing), powder and waste of such, not further worked than cleaned, disinfected or treated for preservation
0506,05,Bones and horn-cores, unworked, defatted, simply prepared (but not cut to shape), treated with acid or degelatinised; powder and waste of these products
050610,0506,Animal products; ossein and bones treated with acid
050690,0506,Animal products; bones and horn-cores and powder or waste of such, unworked, defatted, simply prepared (not cut to shape), or treated with acid or degelatinised, n.e.c. in heading no. 0506
0507,05,Ivory, tortoise-shell, whalebone and whalebone hair, horns, antlers, hooves, nails, claws and beaks unworked or simply prepared, not cut to shape; waste and powder of these products
050710,0507,Animal products; ivory, unworked or simply prepared but not cut to shape, ivory powder and waste
050790,0507,Animal products; tortoise-shell, whalebone and whalebone hair, horns, antlers, hooves, nails, claws and beaks, unworked or simply prepared but not cut to shape, waste and powder of these products
0508,05,Coral and similar materials, unworked or simply prepared, shells of molluscs, crustaceans or echinoderms and cuttle-bone, not cut to shape powder and waste thereof
050800,0508,Animal products; coral and similar materials, shells of molluscs, crustaceans, echinoderms, cuttle-bone, unworked or simply prepared but not cut to shape, powder and waste thereof
0510,05,Ambergris, castoreum, civet and musk; cantharides; bile, dried or not glands, other animal products used in preparation of pharmaceutical products, fresh chilled, frozen or otherwise provisionally preserved
051000,0510,Animal products; ambergris, castoreum, civet, musk, cantharides, bile (dried or not) glands and other animal products, for pharmaceutical purposes, fresh, chilled, frozen or otherwise provisionally preserved
0511,05,Animal products not elsewhere specified or included; dead animals of chapter 1 or 3, unfit for human consumption
051110,0511,Animal products; bovine semen
051191,0511,Animal products; of fish or crustaceans, molluscs or other aquatic invertebrates; dead animals of chapter 03, unfit for human consumption
051199,0511,Animal products; n.e.c. in chapter 5
06,II,Trees and other plants, live; bulbs, roots and the like; cut flowers and ornamental foliage
0601,06,Bulbs, tubers, tuberous roots, corms, crowns and rhizomes; dormant, in growth or in flower; chicory plants and roots other than roots of heading no. 1212
060110,0601,Plants, live; bulbs, tubers, tuberous roots, corms, crowns and rhizomes, dormant
060120,0601,Plants, live; bulbs, tubers, tuberous roots, corms, crowns and rhizomes, in growth or in flower, chicory plants and roots other than of heading no. 1212
0602,06,Plants, live; n.e.c. in heading no. 0601, (including their roots) cuttings and slips; mushroom spawn
060210,0602,Plants, live; unrooted cuttings and slips
060220,0602,Plants, live; edible fruit or nut trees, shrubs and bushes, grafted or not
060230,0602,Plants, live; rhododendrons and azaleas, grafted or not
060240,0602,Plants, live; roses, grafted or not
060290,0602,Plants, live; n.e.c. in heading no. 0602
0603,06,Flowers; cut flowers and flower buds of a kind suitable for bouquets or for ornamental purposes, fresh, dried, dyed, bleached, impregnated or otherwise prepared
060311,0603,Flowers, cut; roses, flowers and buds of a kind suitable for bouquets or ornamental purposes, fresh
060312,0603,Flowers, cut; carnations, flowers and buds of a kind suitable for bouquets or ornamental purposes, fresh
060313,0603,Flowers, cut; orchids, flowers and buds of a kind suitable for bouquets or ornamental purposes, fresh
060314,0603,Flowers, cut; chrysanthemums, flowers and buds of a kind suitable for bouquets or ornamental purposes, fresh
060315,0603,Flowers, cut; lilies (Lilium spp.), flowers and flower buds of a kind suitable for bouquets or ornamental purposes, fresh
060319,0603,Flowers, cut; flowers and buds of a kind suitable for bouquets or ornamental purposes, fresh, other than roses, carnations, orchids, chrysanthemums or lillies
060390,0603,Flowers, cut; flowers and flower buds of a kind suitable for bouquets or ornamental purposes, dried, dyed, bleached, impregnated or otherwise prepared
0604,06,Foliage, branches and other parts of plants, without flowers or flower buds, and grasses, mosses and lichens; suitable for bouquets or for ornamental purposes, fresh, dried, dyed, bleached, impregnated etc.
060420,0604,Foliage, branches and other parts of plants, without flowers or flower buds, and grasses, mosses and lichens; suitable for bouquets or for ornamental purposes, fresh
060490,0604,Foliage, branches and other parts of plants, without flowers or flower buds, and grasses, mosses and lichens; suitable for bouquets or for ornamental purposes, dried, dyed, bleached, impregnated or otherwise prepared
07,II,Vegetables and certain roots and tubers; edible
0701,07,Potatoes; fresh or chilled
070110,0701,Vegetables; seed potatoes, fresh or chilled
070190,0701,Vegetables; potatoes (other than seed), fresh or chilled
0702,07,Tomatoes; fresh or chilled
070200,0702,Vegetables; tomatoes, fresh or chilled
0703,07,Onions, shallots, garlic, leeks and other alliaceous vegetables; fresh or chilled
070310,0703,Vegetables, alliaceous; onions and shallots, fresh or chilled
070320,0703,Vegetables, alliaceous; garlic, fresh or chilled
070390,0703,Vegetables, alliaceous; leeks and other kinds n.e.c. in heading no. 0703, fresh or chilled
0704,07,Cabbages, cauliflowers, kohlrabi, kale and similar edible brassicas; fresh or chilled
070410,0704,Vegetables, brassica; cauliflowers and broccoli, fresh or chilled
070420,0704,Vegetables, brassica; brussel sprouts, fresh or chilled
070490,0704,Vegetables, brassica; edible, n.e.c. in heading no. 0704, fresh or chilled
0705,07,Lettuce (lactuca sativa) and chicory (cichorium spp.) fresh or chilled
070511,0705,Vegetables; cabbage (head) lettuce (lactuca sativa), fresh or chilled
070519,0705,Vegetables; lettuce (lactuca sativa), (other than cabbage lettuce), fresh or chilled
070521,0705,Vegetables; witloff chicory (cichorium intybus var. foliosum), fresh or chilled
070529,0705,Vegetables; chicory (cichorium spp.), (other than witloof chicory), fresh or chilled
0706,07,Carrots, turnips, salad beetroot, salsify, celeriac, radishes and similar edible roots; fresh or chilled
070610,0706,Vegetables, root; carrots and turnips, fresh or chilled
070690,0706,Vegetables, root; salad beetroot, salsify, celeric, radishes and similar edible roots, fresh or chilled
0707,07,Cucumbers and gherkins; fresh or chilled
070700,0707,Vegetables; cucumbers and gherkins, fresh or chilled
0708,07,Leguminous vegetables; shelled or unshelled, fresh or chilled
070810,0708,Vegetables, leguminous; peas (pisum sativum), shelled or unshelled, fresh or chilled
070820,0708,Vegetables, leguminous; beans (vigna spp., phaseolus spp.), shelled or unshelled, fresh or chilled
070890,0708,Vegetables, leguminous; (other than peas and beans), shelled or unshelled, fresh or chilled
0709,07,Vegetables; n.e.c. in chapter 07, fresh or chilled
070920,0709,Vegetables; asparagus, fresh or chilled
070930,0709,Vegetables; aubergines, (e.g. plants), fresh or chilled
070940,0709,Vegetables; celery (other than celeriac), fresh or chilled
070951,0709,Vegetables; mushrooms of the genus Agaricus, fresh or chilled
070952,0709,Vegetables; mushrooms of the genus Boletus, fresh or chilled
070953,0709,Vegetables; mushrooms of the genus Cantharellus, fresh or chilled
070954,0709,Vegetables; shiitake mushrooms (Lentinus edodes), fresh or chilled
070955,0709,Vegetables; matsutake mushrooms (Tricholoma matsutake, Tricholoma magnivelare, Tricholoma anatolicum, Tricholoma dulciolens, Tricholoma caligatum), fresh or chilled
070956,0709,Vegetables; truffles (Tuber spp.), fresh or chilled
070959,0709,Vegetables; truffles and mushrooms n.e.c. in heading 0709, fresh or chilled
070960,0709,Vegetables; fruits of the genus capsicum or of the genus pimenta, fresh or chilled
070970,0709,Vegetables; spinach, New Zealand spinach and orache spinach (garden spinach), fresh or chilled
070991,0709,Vegetables; globe artichokes, fresh or chilled
070992,0709,Vegetables; olives, fresh or chilled
070993,0709,Vegetables; pumpkins, squash and gourds (Cucurbita spp.), fresh or chilled
070999,0709,Vegetables; edible, n.e.c. in chapter 07, fresh or chilled
0710,07,Vegetables (uncooked or cooked by steaming or boiling in water); frozen
071010,0710,Vegetables; potatoes, uncooked or cooked by steaming or boiling in water, frozen
071021,0710,Vegetables, leguminous; peas (pisum sativum), shelled or unshelled, uncooked or cooked by steaming or boiling in water, frozen
071022,0710,Vegetables, leguminous; beans (vigna spp., phaseolus spp.), shelled or unshelled, uncooked or cooked by steaming or boiling in water, frozen
071029,0710,Vegetables, leguminous; (other than peas or beans), shelled or unshelled, uncooked or cooked by steaming or boiling in water, frozen
071030,0710,Vegetables; spinach, New Zealand spinach and orache spinach (garden spinach), uncooked or cooked by steaming or boiling in water, frozen
071040,0710,Vegetables; sweetcorn, uncooked or cooked by steaming or boiling in water, frozen
071080,0710,Vegetables; uncooked or cooked by steaming or boiling in water, n.e.c. in heading no. 0710, frozen
071090,0710,Vegetable mixtures; uncooked or cooked by steaming or boiling in water, frozen
0711,07,Vegetables provisionally preserved, but unsuitable in that state for immediate consumption
071120,0711,Vegetables; olives, provisionally preserved but unsuitable in that state for immediate consumption
071140,0711,Vegetables; cucumbers and gherkins, provisionally preserved but unsuitable in that state for immediate consumption
071151,0711,Vegetables; mushrooms of the genus Agaricus, provisionally preserved but unsuitable in that state for immediate consumption
071159,0711,Vegetables; mushrooms other than of the genus Agaricus, provisionally preserved but unsuitable in that state for immediate consumption
071190,0711,Vegetables and mixed vegetables; n.e.c. in heading no. 0711, provisionally preserved but unsuitable in that state for immediate consumption
0712,07,Vegetables, dried; whole, cut, sliced, broken or in powder, but not further prepared
071220,0712,Vegetables; onions, whole, cut, sliced, broken or in powder but not further prepared, dried
071231,0712,Vegetables; mushrooms of the genus Agaricus, whole, cut, sliced, broken or in powder but not further prepared, dried
071232,0712,Vegetables; wood ears (Auricularia spp), whole, cut, sliced, broken or in powder but not further prepared, dried
071233,0712,Vegetables; jelly fungi (Tremella spp)), whole, cut, sliced, broken or in powder but not further prepared, dried
071234,0712,Vegetables; shiitake mushrooms (Lentinus edodes), whole, cut, sliced, broken or in powder but not further prepared, dried
071239,0712,Vegetables; mushrooms and truffles n.e.c. in item 0712.3, whole, cut, sliced, broken or in powder but not further prepared, dried
071290,0712,Vegetables; mixtures of vegetables n.e.c. in heading no. 0712, whole, cut, sliced, broken or in powder but not further prepared, dried
0713,07,Vegetables, leguminous; shelled, whether or not skinned or split, dried
071310,0713,Vegetables, leguminous; peas (pisum sativum), shelled, whether or not skinned or split, dried
071320,0713,Vegetables, leguminous; chickpeas (garbanzos), shelled, whether or not skinned or split, dried
071331,0713,Vegetables, leguminous; beans of the species vigna mungo (l.) hepper or vigna radiata (l.) wilczek, shelled, whether or not skinned or split, dried
071332,0713,Vegetables, leguminous; small red (adzuki) beans (phaseolus or vigna angularis), shelled, whether or not skinned or split, dried
071333,0713,Vegetables, leguminous; kidney beans, including white pea beans (phaseolus vulgaris), shelled, whether or not skinned or split, dried
071334,0713,Vegetables, leguminous; bambara beans (Vigna subterranea or Voandzeia subterranea), shelled, whether or not skinned or split, dried
071335,0713,Vegetables, leguminous; cow peas (Vigna unguiculata), shelled, whether or not skinned or split, dried
071339,0713,Vegetables, leguminous; n.e.c. in item no. 0713.3, shelled, whether or not skinned or split, dried
071340,0713,Vegetables, leguminous; lentils, shelled, whether or not skinned or split, dried
071350,0713,Vegetables, leguminous; broad beans (vicia faba var. major) and horse beans (vicia faba var. equina, vicia faba var. minor), shelled, whether or not skinned or split, dried
071360,0713,Vegetables, leguminous; pigeon peas (Cajanus cajan), shelled, whether or not skinned or split, dried
071390,0713,Vegetables, leguminous; n.e.c. in heading no. 0713, shelled, whether or not skinned or split, dried
0714,07,Manioc, arrowroot, salep, Jerusalem artichokes, sweet potatoes and similar roots and tubers with high starch or inulin content; fresh, chilled, frozen or dried, whether or not sliced or in the form of pellets; sago pith
071410,0714,Vegetable roots and tubers; manioc (cassava), with high starch or inulin content, fresh, chilled, frozen or dried, whether or not sliced or in the form of pellets
071420,0714,Vegetable roots and tubers; sweet potatoes, with high starch or inulin content, fresh, chilled, frozen or dried, whether or not sliced or in the form of pellets
071430,0714,Vegetable roots and tubers; yams (Dioscorea spp.) with high starch or inulin content, fresh, chilled, frozen or dried, whether or not sliced or in the form of pellets
071440,0714,Vegetable roots and tubers; taro (Colocasia spp.) with high starch or inulin content, fresh, chilled, frozen or dried, whether or not sliced or in the form of pellets
071450,0714,Vegetable roots and tubers; yautia (Xanthosoma spp.) with high starch or inulin content, fresh, chilled, frozen or dried, whether or not sliced or in the form of pellets
071490,0714,Vegetable roots and tubers; arrowroot, salep, Jerusalem artichokes and similar roots and tubers (not manioc, sweet potatoes, yams, taro or yautia), high starch or inulin content, fresh, chilled, frozen, dried, sliced or not, or in pellet form; sago pith
08,II,Fruit and nuts, edible; peel of citrus fruit or melons
0801,08,Nuts, edible; coconuts, Brazil nuts and cashew nuts, fresh or dried, whether or not shelled or peeled
080111,0801,Nuts, edible; coconuts, desiccated
080112,0801,Nuts, edible; coconuts, in the inner shell (endocarp)
080119,0801,Nuts, edible; coconuts, fresh or dried, other than desiccated or in the inner shell (endocarp)
080121,0801,Nuts, edible; brazil nuts, fresh or dried, in shell
080122,0801,Nuts, edible; brazil nuts, fresh or dried, shelled
080131,0801,Nuts, edible; cashew nuts, fresh or dried, in shell
080132,0801,Nuts, edible; cashew nuts, fresh or dried, shelled
0802,08,Nuts (excluding coconuts, Brazils and cashew nuts); fresh or dried, whether or not shelled or peeled
080211,0802,Nuts, edible; almonds, fresh or dried, in shell
080212,0802,Nuts, edible; almonds, fresh or dried, shelled
080221,0802,Nuts, edible; hazelnuts or filberts (corylus spp.), fresh or dried, in shell
080222,0802,Nuts, edible; hazelnuts or filberts (corylus spp.), fresh or dried, shelled
080231,0802,Nuts, edible; walnuts, fresh or dried, in shell
080232,0802,Nuts, edible; walnuts, fresh or dried, shelled
080241,0802,Nuts, edible; chestnuts (Castanea spp.), fresh or dried, in shell
080242,0802,Nuts, edible; chestnuts (Castanea spp.), fresh or dried, shelled
080251,0802,Nuts, edible; pistachios, fresh or dried, in shell
080252,0802,Nuts, edible; pistachios, fresh or dried, shelled
080261,0802,Nuts, edible; macadamia, fresh or dried, in shell
080262,0802,Nuts, edible; macadamia, fresh or dried, shelled
080270,0802,Nuts, edible; kola nuts (Cola spp.), fresh or dried, whether or not shelled or peeled
080280,0802,Nuts, edible; areca nuts, fresh or dried, whether or not shelled or peeled
080291,0802,Nuts, edible; pine nuts, fresh or dried, in shell
080292,0802,Nuts, edible; pine nuts, fresh or dried, shelled
080299,0802,Nuts, edible; n.e.c. in heading 0801 and 0802, fresh or dried, whether or not shelled or peeled
0803,08,Bananas, including plantains; fresh or dried
080310,0803,Fruit, edible; plantains, fresh or dried
080390,0803,Fruit, edible; bananas, other than plantains, fresh or dried
0804,08,Dates, figs, pineapples, avocados, guavas, mangoes and mangosteens; fresh or dried
080410,0804,Fruit, edible; dates, fresh or dried
080420,0804,Fruit, edible; figs, fresh or dried
080430,0804,Fruit, edible; pineapples, fresh or dried
080440,0804,Fruit, edible; avocados, fresh or dried
080450,0804,Fruit, edible; guavas, mangoes and mangosteens, fresh or dried
0805,08,Citrus fruit; fresh or dried
080510,0805,Fruit, edible; oranges, fresh or dried
080521,0805,Fruit, edible; mandarins (including tangerines and satsumas), fresh or dried
080522,0805,Fruit, edible; clementines, fresh or dried
080529,0805,Fruit, edible; tangelos, wilkings and similar citrus hybrid, fresh or dried
080540,0805,Fruit, edible; grapefruit and pomelos, fresh or dried
080550,0805,Fruit, edible; lemons (Citrus limon, Citrus limonum), limes (Citrus aurantifolia, Citrus latifolia), fresh or dried
080590,0805,Fruit, edible; citrus fruit n.e.c. in heading no. 0805, fresh or dried
0806,08,Grapes; fresh or dried
080610,0806,Fruit, edible; grapes, fresh
080620,0806,Fruit, edible; grapes, dried
0807,08,Melons (including watermelons) and papaws (papayas); fresh
080711,0807,Fruit, edible; watermelons, fresh
080719,0807,Fruit, edible; melons, other than watermelons, fresh
080720,0807,Fruit, edible; papaws (papayas), fresh
0808,08,Apples, pears and quinces; fresh
080810,0808,Fruit, edible; apples, fresh
080830,0808,Fruit, edible; pears, fresh
080840,0808,Fruit, edible; quinces, fresh
0809,08,Apricots, cherries, peaches (including nectarines), plums and sloes, fresh
080910,0809,Fruit, edible; apricots, fresh
080921,0809,Fruit, edible; sour cherries (Prunus cerasus), fresh
080929,0809,Fruit, edible; cherries, other than sour cherries (Prunus cerasus), fresh
080930,0809,Fruit, edible; peaches, including nectarines, fresh
080940,0809,Fruit, edible; plums and sloes, fresh
0810,08,Fruit, fresh; n.e.c. in chapter 08
081010,0810,Fruit, edible; strawberries, fresh
081020,0810,Fruit, edible; raspberries, blackberries, mulberries, and loganberries, fresh
081030,0810,Fruit, edible; black, white or red currants and gooseberries, fresh
081040,0810,Fruit, edible; cranberries, bilberries and other fruits of the genus vaccinium, fresh
081050,0810,Fruit, edible; kiwifruit, fresh
081060,0810,Fruit, edible; durians, fresh
081070,0810,Fruit, edible; persimmons, fresh
081090,0810,Fruit, edible; fruits n.e.c. in heading no. 0801 to 0810, fresh
0811,08,Fruit and nuts; uncooked or cooked by steaming or boiling in water, frozen, whether or not containing added sugar or other sweetening matter
081110,0811,Fruit, edible; strawberries, uncooked or cooked by steaming or boiling in water, frozen, whether or not containing added sugar or other sweetening matter
081120,0811,Fruit, edible; raspberries, blackberries, mulberries, loganberries, black, white or red currants and gooseberries, uncooked or cooked, whether or not containing added sugar or other sweetening matter
081190,0811,Fruit, edible; fruit and nuts n.e.c. in heading no. 0811, uncooked or cooked, frozen whether or not containing added sugar or other sweetening matter
0812,08,Fruit and nuts provisionally preserved, but unsuitable in that state for immediate consumption
081210,0812,Fruit, edible; cherries, provisionally preserved, but unsuitable in that state for immediate consumption
081290,0812,Fruit, edible; fruit and nuts n.e.c. in heading no. 0812, provisionally preserved, but unsuitable in that state for immediate consumption
0813,08,Fruit, dried, other than that of heading no. 0801 to 0806; mixtures of nuts or dried fruits of this chapter
081310,0813,Fruit, edible; apricots, dried
081320,0813,Fruit, edible; prunes, dried
081330,0813,Fruit, edible; apples, dried
081340,0813,Fruit, edible; fruit n.e.c. in heading no. 0812, dried
081350,0813,Nuts, edible; mixtures of nuts or dried fruits of chapter 08
0814,08,Peel of citrus fruit or melons (including watermelons); fresh, frozen dried or provisionally preserved in brine, in sulphur water or in other preservative solutions
081400,0814,Peel; of citrus fruit or melons (including watermelons), fresh, frozen, dried or provisionally preserved in brine, in sulphur water and other preservative solutions
09,II,Coffee, tea, mate and spices
0901,09,Coffee, whether or not roasted or decaffeinated; husks and skins; coffee substitutes containing coffee in any proportion
090111,0901,Coffee; not roasted or decaffeinated
090112,0901,Coffee; decaffeinated, not roasted
090121,0901,Coffee; roasted, not decaffeinated
090122,0901,Coffee; roasted, decaffeinated
090190,0901,Coffee; husks and skins, coffee substitutes containing coffee in any proportion
0902,09,Tea
090210,0902,Tea, green; (not fermented), in immediate packings of a content not exceeding 3kg
090220,0902,Tea, green; (not fermented), in immediate packings of a content exceeding 3kg
090230,0902,Tea, black; (fermented) and partly fermented tea, in immediate packings of a content not exceeding 3kg
090240,0902,Tea, black; (fermented) and partly fermented tea, in immediate packings of a content exceeding 3kg
0903,09,Mate
090300,0903,Mate
0904,09,Pepper of the genus piper; dried or crushed or ground fruits of the genus capsicum or of the genus pimenta
090411,0904,Spices; pepper (of the genus piper), neither crushed nor ground
090412,0904,Spices; pepper (of the genus piper), crushed or ground
090421,0904,Spices; fruits of the genus Capsicum or Pimenta, dried, neither crushed nor ground
090422,0904,Spices; fruits of the genus Capsicum or Pimenta, crushed or ground
0905,09,Vanilla
090510,0905,Spices; vanilla, neither crushed nor ground
090520,0905,Spices; vanilla, crushed or ground
0906,09,Cinnamon and cinnamon-tree flowers
090611,0906,Spices; cinnamon (Cinnamomum zeylanicum Blume), neither crushed nor ground
090619,0906,Spices; cinnamon and cinnamon-tree flowers, other than cinnamon (Cinnamomum zeylanicum Blume), neither crushed nor ground
090620,0906,Spices; cinnamon and cinnamon-tree flowers, crushed or ground
0907,09,Cloves (whole fruit, cloves and stems)
090710,0907,Spices; cloves (whole fruit, cloves and stems), neither crushed nor ground
090720,0907,Spices; cloves (whole fruit, cloves and stems), crushed or ground
0908,09,Nutmeg, mace and cardamoms
090811,0908,Spices; nutmeg, neither crushed nor ground
090812,0908,Spices; nutmeg, crushed or ground
090821,0908,Spices; mace, neither crushed nor ground
090822,0908,Spices; mace, crushed or ground
090831,0908,Spices; cardamoms, neither crushed nor ground
090832,0908,Spices; cardamoms, crushed or ground
0909,09,Seeds of anise, badian, fennel, coriander, cumin, caraway or juniper
090921,0909,Spices; coriander seeds, neither crushed nor ground
090922,0909,Spices; coriander seeds, crushed or ground
090931,0909,Spices; cumin seeds, neither crushed nor ground
090932,0909,Spices; cumin seeds, crushed or ground
090961,0909,Spices; seeds of anise, badian, caraway or fennel; juniper berries, neither crushed nor ground
090962,0909,Spices; seeds of anise, badian, caraway or fennel; juniper berries, crushed or ground
0910,09,Ginger, saffron, tumeric (curcuma), thyme, bay leaves, curry and other spices
091011,0910,Spices; ginger, neither crushed nor ground
091012,0910,Spices; ginger, crushed or ground
091020,0910,Spices; saffron
091030,0910,Spices; turmeric (curcuma)
091091,0910,Spices; mixtures of 2 or more products of different headings
091099,0910,Spices; n.e.c. in heading no. 0910
10,II,Cereals
1001,10,Wheat and meslin
100111,1001,Cereals; wheat and meslin, durum wheat, seed
100119,1001,Cereals; wheat and meslin, durum wheat, other than seed
100191,1001,Cereals; wheat and meslin, other than durum wheat, seed
100199,1001,Cereals; wheat and meslin, other than durum wheat, other than seed
1002,10,Rye
100210,1002,Cereals; rye, seed
100290,1002,Cereals; rye, other than seed
1003,10,Barley
100310,1003,Cereals; barley, seed
100390,1003,Cereals; barley, other than seed
1004,10,Oats
100410,1004,Cereals; oats, seeds
100490,1004,Cereals; oats, other than seed
1005,10,Maize (corn)
100510,1005,Cereals; maize (corn), seed
100590,1005,Cereals; maize (corn), other than seed
1006,10,Rice
100610,1006,Cereals; rice in the husk (paddy or rough)
100620,1006,Cereals; husked (brown) rice
100630,1006,Cereals; rice, semi-milled or wholly milled, whether or not polished or glazed
100640,1006,Cereals; rice, broken
1007,10,Grain sorghum
100710,1007,Cereals; grain sorghum, seed
100790,1007,Cereals; grain sorghum, other than seed
1008,10,Buckwheat, millet and canary seeds; other cereals
100810,1008,Cereals; buckwheat
100821,1008,Cereals; millet, seed
100829,1008,Cereals; millet, other than seed
100830,1008,Cereals; canary seeds
100840,1008,Cereals; fonio (Digitaria spp.)
100850,1008,Cereals; quinoa (Chenopodium quinoa)
100860,1008,Cereals; triticale
100890,1008,Cereals; n.e.c. in chapter 10
11,II,Products of the milling industry; malt, starches, inulin, wheat gluten
1101,11,Wheat or meslin flour
110100,1101,Wheat or meslin flour
1102,11,Cereal flours; other than of wheat or meslin
110220,1102,Cereal flour; of maize (corn)
110290,1102,Cereal flours; other than wheat, meslin, and maize (corn)
1103,11,Cereal groats; meal and pellets
110311,1103,Cereal groats and meal; of wheat
110313,1103,Cereal groats and meal; of maize (corn)
110319,1103,Cereal groats and meal; n.e.c. in heading no. 1103
110320,1103,Cereal pellets
1104,11,Cereal grains otherwise worked (e.g. hulled, rolled, flaked, pearled, sliced or kibbled) except rice of heading no. 1006; germ of cereals whole, rolled, flaked or ground
110412,1104,Cereal grains; rolled or flaked, of oats
110419,1104,Cereal grains; rolled or flaked, other than oats
110422,1104,Cereal grains; worked (e.g. hulled, pearled, sliced or kibbled) of oats
110423,1104,Cereal grains; worked (e.g. hulled, pearled, sliced or kibbled) of maize (corn)
110429,1104,Cereal grains; worked, other than rolled or flaked (e.g. Hulled, pearled, sliced or kibbled) of cereals, excluding oats and maize, and rice of heading no.1006
110430,1104,Cereal; germ of cereals, whole, rolled, flaked or ground
1105,11,Flour, meal, powder, flakes, granules and pellets of potatoes
110510,1105,Flour, meal and powder; of potatoes
110520,1105,Flakes, granules and pellets; of potatoes
1106,11,Flour, meal and powder; of the dried leguminous vegetables of heading no. 0713, of sago or of roots or tubers of heading no. 0714 or of the products of chapter 8
110610,1106,Flour, meal and powder; of the dried leguminous vegetables of heading no. 0713
110620,1106,Flour, meal and powder; of sago or of roots or tubers of heading no. 0714
110630,1106,Flour, meal and powder; of the products of chapter 8
1107,11,Malt; whether or not roasted
110710,1107,Malt; not roasted
110720,1107,Malt; roasted
1108,11,Starches; inulin
110811,1108,Starch; wheat
110812,1108,Starch; maize (corn) starch
110813,1108,Starch; potato
110814,1108,Starch; manioc (cassava)
110819,1108,Starch; n.e.c. in item no. 1108.11 to 1108.14
110820,1108,Inulin
1109,11,Wheat gluten; whether or not dried
110900,1109,Wheat gluten; whether or not dried
12,II,Oil seeds and oleaginous fruits; miscellaneous grains, seeds and fruit, industrial or medicinal plants; straw and fodder
1201,12,Soya beans, whether or not broken
120110,1201,Soya beans; seed, whether or not broken
120190,1201,Soya beans; other than seed, whether or not broken
1202,12,Ground-nuts; not roasted or otherwise cooked, whether or not shelled or broken
120230,1202,Ground-nuts; seed, not roasted or otherwise cooked, whether or not shelled or broken
120241,1202,Ground-nuts; other than seed, not roasted or otherwise cooked, in shell
120242,1202,Ground-nuts; other than seed, not roasted or otherwise cooked, shelled, whether or not broken,
1203,12,Copra
120300,1203,Copra
1204,12,Oil seeds; linseed, whether or not broken
120400,1204,Oil seeds; linseed, whether or not broken
1205,12,Rape or colza seeds; whether or not broken
120510,1205,Oil seeds; low erucic acid rape or colza seeds, whether or not broken
120590,1205,Oil seeds; rape or colza seeds, other than low erucic, whether or not broken
1206,12,Sunflower seeds; whether or not broken
120600,1206,Oil seeds; sunflower seeds, whether or not broken
1207,12,Oil seeds and oleaginous fruits, n.e.c. in chapter 12; whether or not broken
120710,1207,Oil seeds; palm nuts and kernels, whether or not broken
120721,1207,Oil seeds; cotton seeds, seed, whether or not broken
120729,1207,Oil seeds; cotton seeds, other than seed, whether or not broken
120730,1207,Oil seeds; castor oil seeds, whether or not broken
120740,1207,Oil seeds; sesamum seeds, whether or not broken
120750,1207,Oil seeds; mustard seeds, whether or not broken
120760,1207,Oil seeds; safflower (Carthamus tinctorius) seeds, whether or not broken
120770,1207,Oil seeds; melon seeds, whether or not broken
120791,1207,Oil seeds; poppy seeds, whether or not broken
120799,1207,Oil seeds and oleaginous fruits; n.e.c. in heading no. 1207, whether or not broken
1208,12,Flours and meals of oil seeds or oleaginous fruits; other than those of mustard
120810,1208,Flours and meals; of soya beans
120890,1208,Flours and meals of oil seeds or oleaginous fruits; excluding soya beans and mustard seeds
1209,12,Seeds, fruit and spores; of a kind used for sowing
120910,1209,Seed; sugar beet seeds, of a kind used for sowing
120921,1209,Seeds of forage plants; lucerne (alfalfa) seeds, of a kind used for sowing
120922,1209,Seeds of forage plants; clover (Trifolium spp.) seeds, of a kind used for sowing
120923,1209,Seeds of forage plants; fescue seeds, of a kind used for sowing
120924,1209,Seeds of forage plants; Kentucky blue grass (Poa pratensis L.) seeds, of a kind used for sowing
120925,1209,Seeds of forage plants; rye grass (Lolium multiflorum Lam., Lolium perenne L.) seeds, of a kind used for sowing
120929,1209,Seeds of forage plants; other than lucerne, clover, fescue, Kentucky blue grass, and rye grass seeds, of a kind used for sowing
120930,1209,Seeds of herbaceous plants; cultivated principally for their flowers, of a kind used for sowing
120991,1209,Seeds; vegetable seeds, of a kind used for sowing
120999,1209,Seeds; n.e.c. in heading 1209, of a kind used for sowing
1210,12,Hop cones, fresh or dried, whether or not ground, powdered or in the form of pellets; lupulin
121010,1210,Hop cones; neither ground nor powdered nor in the form of pellets
121020,1210,Hop cones; ground, powdered or in the form of pellets; lupulin
1211,12,Plants and parts of plants (including seeds and fruits), of a kind used primarily in perfumery, in pharmacy or for insecticidal, fungicidal or similar purposes, fresh, chilled, frozen or dried, whether or not cut, crushed or powdered
121120,1211,Ginseng roots, of a kind used primarily in perfumery, in pharmacy or for insecticidal, fungicidal or similar purposes, fresh, chilled, frozen or dried, whether or not cut, crushed or powdered
121130,1211,Coca leaf; of a kind used primarily in perfumery, in pharmacy or for insecticidal, fungicidal or similar purposes, fresh, chilled, frozen or dried, whether or not cut, crushed or powdered
121140,1211,Poppy straw; of a kind used primarily in perfumery, in pharmacy or for insecticidal, fungicidal or similar purposes, fresh, chilled, frozen or dried, whether or not cut, crushed or powdered
121150,1211,Ephedra, of a kind used primarily in perfumery, in pharmacy or for insecticidal, fungicidal or similar purposes, fresh, chilled, frozen or dried, whether or not cut, crushed or powdered
121160,1211,Bark of African cherry (Prunus africana); of a kind used primarily in perfumery, in pharmacy or for insecticidal, fungicidal or similar purposes, fresh, chilled, frozen or dried, whether or not cut, crushed or powdered
121190,1211,Plants and parts (including seeds and fruits) n.e.c. in heading no. 1211, of a kind used primarily in perfumery, in pharmacy or for insecticidal, fungicidal or similar purposes, fresh, chilled, frozen or dried, whether or not cut, crushed or powdered
1212,12,Locust beans, seaweeds and other algae, sugar beet, sugar cane, fresh, chilled, frozen or dried, whether or not ground; fruit stones, kernels and other vegetable products (including unroasted chicory roots) used primarily for human consumption, n.e.c.
121221,1212,Seaweeds and other algae; fit for human consumption, fresh, chilled, frozen or dried, whether or not ground
121229,1212,Seaweeds and other algae; not fit for human consumption, fresh, chilled, frozen or dried, whether or not ground
121291,1212,Sugar beet; fit for human consumption, fresh, chilled, frozen or dried, whether or not ground
121292,1212,Locust beans (carob); fit for human consumption, fresh, chilled, frozen or dried, whether or not ground
121293,1212,Sugar cane; fit for human consumption, fresh, chilled, frozen or dried, whether or not ground
121294,1212,Chicory roots (Chicorium intybus sativum); fit for human consumption, fresh, chilled, frozen or dried, whether or not ground
121299,1212,Vegetable products; fit for human consumption, n.e.c. in heading no. 1212, fresh, chilled, frozen or dried, whether or not ground
1213,12,Cereal straw and husks, unprepared; whether or not chopped, ground, pressed or in the form of pellets
121300,1213,Cereal straw and husks; unprepared, whether or not chopped, ground, pressed or in the form of pellets
1214,12,Swedes, mangolds, fodder roots, hay, lucerne (alfalfa), clover, sainfoin, forage kale, lupines, vetches and similar forage products, whether or not in the form of pellets
121410,1214,Lucerne (alfalfa) meal and pellets
121490,1214,Forage products including swedes, mangolds, fodder roots, hay, sainfoin, clover, forage kale, lupines, vetches etc., pelletised or otherwise
13,II,Lac; gums, resins and other vegetable saps and extracts
1301,13,Lac; natural gums, resins, gum-resins and oleoresins (for example, balsams)
130120,1301,Gum Arabic
130190,1301,Natural gums, resins, gum-resins and oleoresins, n.e.c. in heading no. 1301
1302,13,Vegetable saps and extracts; pectic substances, pectinates and pectates; agar-agar and other mucilages and thickeners, whether or not modified, derived from vegetable products
130211,1302,Vegetable saps and extracts; opium
130212,1302,Vegetable saps and extracts; of liquorice
130213,1302,Vegetable saps and extracts; of hops
130214,1302,Vegetable saps and extracts; of ephedra
130219,1302,Vegetable saps and extracts; n.e.c. in item no. 1302.1
130220,1302,Pectic substances; pectinates and pectates
130231,1302,Mucilages and thickeners; agar-agar, whether or not modified, derived from vegetable products
130232,1302,Mucilages and thickeners; whether or not modified, derived from locust beans, locust bean seeds or guar seeds
130239,1302,Mucilages and thickeners; whether or not modified, derived from vegetable products, n.e.c. in item no. 1302.3
14,II,Vegetable plaiting materials; vegetable products not elsewhere specified or included
1401,14,Vegetable materials of a kind used primarily for plaiting; (e.g. bamboos, rattans, reeds, rushes, osier, raffia, cleaned, bleached or dyed cereal straw and lime bark)
140110,1401,Bamboo used primarily for plaiting
140120,1401,Rattans used primarily for plaiting
140190,1401,Vegetable materials of a kind used primarily for plaiting; n.e.c. in heading no. 1401
1404,14,Vegetable products not elsewhere specified or included
140420,1404,Vegetable products; cotton linters
140490,1404,Vegetable products; n.e.c. in chapter 14
15,III,Animal, vegetable or microbial fats and oils and their cleavage products; prepared edible fats; animal or vegetable waxes
1501,15,Pig fat (including lard) and poultry fat, other than that of heading 0209 or 1503
150110,1501,Pig fat; lard, other than that of heading 0209 and 1503
150120,1501,Pig fat; not lard, other than that of heading 0209 or 1503
150190,1501,Poultry fat; other than that of heading 0209 or 1503
1502,15,Fats of bovine animals, sheep or goats, other than those of heading 1503
150210,1502,Tallow; other than those of heading 1503
150290,1502,Fats of bovine animals, sheep or goats; excluding tallow, and other than those of heading 1503
1503,15,Lard stearin, lard oil, oleostearin, oleo-oil and tallow oil; not emulsified or mixed or otherwise prepared
150300,1503,Lard stearin, lard oil, oleostearin, oleo-oil and tallow oil; not emulsified or mixed or otherwise prepared
1504,15,Fats and oils and their fractions of fish or marine mammals; whether or not refined, but not chemically modified
150410,1504,Oils of fish; fish-liver oils and their fractions, whether or not refined, but not chemically modified
150420,1504,Fats and oils and their fractions; of fish, (excluding liver-oils)
150430,1504,Fats and oils and their fractions; of marine mammals
1505,15,Wool grease and fatty substances derived therefrom (including lanolin)
150500,1505,Wool grease and fatty substances derived therefrom (including lanolin)
1506,15,Animal fats and oils and their fractions; whether or not refined, but not chemically modified, n.e.c. in chapter 15
150600,1506,Animal fats and oils and their fractions; whether or not refined, but not chemically modified, n.e.c. in chapter 15
1507,15,Soya-bean oil and its fractions; whether or not refined, but not chemically modified
150710,1507,Vegetable oils; soya-bean oil and its fractions, crude, whether or not degummed, not chemically modified
150790,1507,Vegetable oils; soya-bean oil and its fractions, other than crude, whether or not refined, but not chemically modified
1508,15,Ground nut oil and its fractions; whether or not refined, but not chemically modified
150810,1508,Vegetable oils; ground-nut oil and its fractions, crude, not chemically modified
150890,1508,Vegetable oils; ground-nut oil and its fractions, other than crude, whether or not refined, but not chemically modified
1509,15,Olive oil and its fractions; whether or not refined, but not chemically modified
150920,1509,Vegetable oils; olive oil and its fractions, extra virgin olive oil, whether or not refined, but not chemically modified
150930,1509,Vegetable oils; olive oil and its fractions, virgin olive oil, whether or not refined, but not chemically modified
150940,1509,Vegetable oils; olive oil and its fractions, virgin olive oils n.e.c. in heading 1509, whether or not refined, but not chemically modified
150990,1509,Vegetable oils; olive oil and its fractions, other than virgin, whether or not refined, but not chemically modified
1510,15,Vegetable oils; oils and their fractions n.e.c. in chapter 15, obtained solely from olives, whether or not refined, but not chemically modified, including blends of these oils or fractions with oils or fractions of heading no. 1509
151010,1510,Vegetable oils; crude olive pomace oil and their fractions, obtained solely from olives, whether or not refined, but not chemically modified
151090,1510,Vegetable oils; oils and their fractions n.e.c. in heading 1510, obtained solely from olives, whether or not refined, but not chemically modified, including blends of these oils or fractions with oils or fractions of heading no. 1509
1511,15,Palm oil and its fractions; whether or not refined, but not chemically modified
151110,1511,Vegetable oils; palm oil and its fractions, crude, not chemically modified
151190,1511,Vegetable oils; palm oil and its fractions, other than crude, whether or not refined, but not chemically modified
1512,15,Sun-flower seed, safflower or cotton-seed oil and their fractions; whether or not refined, but not chemically modified
151211,1512,Vegetable oils; sunflower seed or safflower oil and their fractions, crude, not chemically modified
151219,1512,Vegetable oils; sunflower seed or safflower oil and their fractions, other than crude, whether or not refined, but not chemically modified
151221,1512,Vegetable oils; cotton-seed oil and its fractions; crude, whether or not gossypol has been removed, not chemically modified
151229,1512,Vegetable oils; cotton-seed oil and its fractions, other than crude, whether or not refined, but not chemically modified
1513,15,Coconut (copra), palm kernel or babassu oil and their fractions; whether or not refined but not chemically modified
151311,1513,Vegetable oils; coconut (copra) oil and its fractions, crude, not chemically modified
151319,1513,Vegetable oils; coconut (copra) oil and its fractions, other than crude, whether or not refined, but not chemically modified
151321,1513,Vegetable oils; palm kernel or babassu oil and their fractions, crude, not chemically modified
151329,1513,Vegetable oils; palm kernel or babassu oil and their fractions, other than crude, whether or not refined, but not chemically modified
1514,15,Rape, colza or mustard oil and their fractions; whether or not refined, but not chemically modified
151411,1514,Vegetable oils; low erucic acid rape or colza oil and its fractions, crude
151419,1514,Vegetable oils; low erucic acid rape or colza oil and its fractions, other than crude, but not chemically modified
151491,1514,Vegetable oils; excluding low erucic acid rape or colza oil and its fractions, crude
151499,1514,Vegetable oils; excluding low erucic acid rape or colza oil and its fractions, other than crude, but not chemically modified
1515,15,Fixed vegetable or microbial fats and oils n.e.c. in chapter 15 (including jojoba oil) and their fractions, whether or not refined, but not chemically modified
151511,1515,Vegetable oils; linseed oil and its fractions, crude, not chemically modified
151519,1515,Vegetable oils; linseed oil and its fractions, other than crude, whether or not refined, but not chemically modified
151521,1515,Vegetable oils; maize (corn) oil and its fractions, crude, not chemically modified
151529,1515,Vegetable oils; maize (corn) oil and its fractions, other than crude, whether or not refined, but not chemically modified
151530,1515,Vegetable oils; castor oil and its fractions, whether or not refined, but not chemically modified
151550,1515,Vegetable oils; sesame oil and its fractions, whether or not refined, but not chemically modified
151560,1515,Vegetable oils; microbial fats and oils and their fractions, whether or not refined, but not chemically modified
151590,1515,Fixed vegetable fats and oils and their fractions n.e.c. in heading 1515; other than linseed, maize (corn), castor, sesame, microbial oils, whether or not refined, but not chemically modified
1516,15,Animal, vegetable or microbial fats and oils and their fractions, partly or wholly hydrogenated, inter-esterified, re-esterified or elaidinised, whether or not refined, but not further prepared
151610,1516,Animal fats and oils and their fractions; partly or wholly hydrogenated, inter-esterified, re-esterified or elaidinised, whether or not refined, but not further prepared
151620,1516,Vegetable fats and oils and their fractions; partly or wholly hydrogenated, inter-esterified, re-esterified or elaidinised, whether or not refined, but not further prepared
151630,1516,Microbial fats and oils and their fractions; partly or wholly hydrogenated, inter-esterified, re-esterified or elaidinised, whether or not refined, but not further prepared
1517,15,Margarine; edible mixtures or preparations of animal, vegetable or microbial fats or oils or of fractions of different fats or oils of this Chapter, other than edible fats and oils or their fractions of heading 15.16
151710,1517,Margarine; excluding liquid margarine
151790,1517,Edible mixtures or preparations of animal, vegetable or microbial fats or oils or of fractions of different fats or oils of this Chapter, n.e.c. in heading 1517, other than edible fats and oils or their fractions of heading 15.16
1518,15,Animal, vegetable or microbial fats, oils and their fractions; boiled, oxidised, dehydrated or otherwise chemically modified, excluding those of heading no. 1516, inedible mixtures or preparations of fats, oils or their fractions, n.e.c. in chapter 15
151800,1518,Animal, vegetable or microbial fats, oils and their fractions; boiled, oxidised, dehydrated or otherwise chemically modified, excluding those of heading no. 1516, inedible mixtures or preparations of fats, oils or their fractions, n.e.c. in chapter 15
1520,15,Glycerol, crude; glycerol waters and glycerol lyes
152000,1520,Glycerol, crude; glycerol waters and glycerol lyes
1521,15,Vegetable waxes (other than triglycerides), beeswax, other insect waxes and spermaceti; whether or not refined or coloured
152110,1521,Vegetable waxes (other than triglycerides); whether or not refined or coloured
152190,1521,Waxes, other than vegetable, n.e.c. in heading no. 1521; whether or not refined or coloured
1522,15,Degras; residues resulting from the treatment of fatty substances or animal or vegetable waxes
152200,1522,Degras; residues resulting from the treatment of fatty substances or animal or vegetable waxes
16,IV,Meat, fish, crustaceans, molluscs or other aquatic invertebrates, or insects; preparations thereof
1601,16,Sausages and similar products, of meat, meat offal, blood or insects; food preparations based on these products
160100,1601,Meat preparations; sausages and similar products, of meat, meat offal, blood or insects, and food preparations based on these products
1602,16,Prepared or preserved meat, meat offal, blood or insects
160210,1602,Meat preparations; homogenised preparations of meat, meat offal blood or insects
160220,1602,Meat preparations; of the prepared or preserved liver of any animal (excluding homogenised preparations)
160231,1602,Meat preparations; of turkeys, prepared or preserved meat or meat offal (excluding livers and homogenised preparations)
160232,1602,Meat preparations; of the poultry of heading no. 0105, (i.e. of fowls of the species Gallus domesticus)
160239,1602,Meat preparations; of poultry (excluding turkeys), prepared or preserved meat or meat offal (excluding livers and homogenised preparations)
160241,1602,Meat preparations; of swine, hams and cuts thereof, prepared or preserved (excluding homogenised preparations)
160242,1602,Meat preparations; of swine, shoulders and cuts thereof, prepared or preserved (excluding homogenised preparations)
160249,1602,Meat preparations; of swine, meat or meat offal (including mixtures), prepared or preserved, n.e.c. in heading no. 1602
160250,1602,Meat preparations; of bovine animals, meat or meat offal, prepared or preserved (excluding livers and homogenised preparations)
160290,1602,Meat preparations; of meat, meat offal or the blood of any animal, n.e.c. in heading no. 1602
1603,16,Extracts and juices of meat, fish or crustaceans, molluscs or other aquatic invertebrates
160300,1603,Extracts and juices; of meat, fish or crustaceans, molluscs or other aquatic invertebrates
1604,16,Prepared or preserved fish; caviar and caviar substitutes prepared from fish eggs
160411,1604,Fish preparations; salmon, prepared or preserved, whole or in pieces (but not minced)
160412,1604,Fish preparations; herrings, prepared or preserved, whole or in pieces (but not minced)
160413,1604,Fish preparations; sardines, sardinella and brisling or sprats, prepared or preserved, whole or in pieces (but not minced)
160414,1604,Fish preparations; tunas, skipjack tuna and bonito (Sarda spp.), prepared or preserved, whole or in pieces (but not minced)
160415,1604,Fish preparations; mackerel, prepared or preserved, whole or in pieces (but not minced)
160416,1604,Fish preparations; anchovies, prepared or preserved, whole or in pieces (but not minced)
160417,1604,Fish preparations; eels, prepared or preserved, whole or in pieces (but not minced)
160418,1604,Fish preparations; shark fins, prepared or preserved, whole or in pieces (but not minced)
160419,1604,Fish preparations; fish prepared or preserved, whole or in pieces (but not minced), n.e.c. in heading no. 1604
160420,1604,Fish preparations; fish minced or in forms n.e.c. in heading no. 1604, prepared or preserved
160431,1604,Fish preparations; caviar
160432,1604,Fish preparations; caviar substitutes, prepared from fish eggs
1605,16,Crustaceans, molluscs and other aquatic invertebrates, prepared or preserved
160510,1605,Crustacean preparations; crab, prepared or preserved
160521,1605,Crustacean preparations; shrimps and prawns, prepared or preserved, not in airtight containers
160529,1605,Crustacean preparations; shrimps and prawns, prepared or preserved, in airtight containers
160530,1605,Crustacean preparations; lobster, prepared or preserved
160540,1605,Crustacean preparations; other than crab, shrimps, prawns, and lobsters, prepared or preserved
160551,1605,Mollusc preparations; oysters, prepared or preserved
160552,1605,Mollusc preparations; scallops, including queen scallops, prepared or preserved
160553,1605,Mollusc preparations; mussels, prepared or preserved
160554,1605,Mollusc preparations; cuttle fish and squid, prepared or preserved
160555,1605,Mollusc preparations; octopus, prepared or preserved
160556,1605,Mollusc preparations; clams, cockles and arkshells, prepared or preserved
160557,1605,Mollusc preparations; abalone, prepared or preserved
160558,1605,Mollusc preparations; snails, other than sea snails, prepared or preserved
160559,1605,Mollusc preparations; n.e.c. in item no. 1605.5, preparations such as pastes, sausages, prepared meals and the like
160561,1605,Aquatic invertebrates; sea cucumbers, prepared or preserved
160562,1605,Aquatic invertebrates; sea urchins, prepared or preserved
160563,1605,Aquatic invertebrates; jellyfish, prepared or preserved
160569,1605,Aquatic invertebrates; other than crustaceans, molluscs, sea cucumbers, sea urchins, and jellyfish, prepared or preserved
17,IV,Sugars and sugar confectionery
1701,17,Cane or beet sugar and chemically pure sucrose, in solid form
170112,1701,Sugars; beet sugar, raw, in solid form, not containing added flavouring or colouring matter
170113,1701,Sugars; cane sugar, raw, in solid form, as specified in Subheading Note 2 to this chapter, not containing added flavouring or colouring matter
170114,1701,Sugars; cane sugar, raw, in solid form, other than as specified in Subheading Note 2 to this chapter, not containing added flavouring or colouring matter
170191,1701,Sugars; sucrose, chemically pure, in solid form, containing added flavouring or colouring matter
170199,1701,Sugars; sucrose, chemically pure, in solid form, not containing added flavouring or colouring matter
1702,17,Sugars, including lactose, maltose, glucose or fructose in solid form; sugar syrups without added flavouring or colouring matter; artificial honey, whether or not mixed with natural honey; caramel
170211,1702,Sugars; lactose and lactose syrup, containing by weight 99% or more lactose, expressed as anhydrous lactose, calculated on the dry matter
170219,1702,Sugars; lactose and lactose syrup, containing by weight less than 99% lactose, expressed as anhydrous lactose, calculated on the dry matter
170220,1702,Sugars; maple sugar, chemically pure, in solid form; maple syrup, not containing added flavouring or colouring matter
170230,1702,Sugars; glucose and glucose syrup, not containing fructose or containing in the dry state less than 20% by weight of fructose, the syrup not containing added flavouring or colouring matter
170240,1702,Sugars; glucose and glucose syrup, containing in the dry state at least 20% but less than 50% by weight of fructose, excluding invert sugar, the syrup not containing added flavouring or colouring matter
170250,1702,Sugars; fructose, chemically pure, in solid form
170260,1702,Sugars; fructose, other than chemically pure fructose, and fructose syrup (containing in the dry state more than 50% by weight of fructose), excluding invert sugar
170290,1702,Sugars; n.e.c. in heading no. 1702, including invert sugar and other sugar and sugar syrup blends containing, in the dry state, 50% by weight of fructose
1703,17,Molasses; resulting from the extraction or refining of sugar
170310,1703,Sugars; molasses, from sugar cane, resulting from the extraction or refining of sugar
170390,1703,Sugars; molasses, from sugar beet, resulting from the extraction or refining of sugar
1704,17,Sugar confectionery (including white chocolate), not containing cocoa
170410,1704,Sugar confectionery; chewing gum, whether or not sugar-coated, not containing cocoa
170490,1704,Sugar confectionery; (excluding chewing gum, including white chocolate), not containing cocoa
18,IV,Cocoa and cocoa preparations
1801,18,Cocoa beans; whole or broken, raw or roasted
180100,1801,Cocoa beans; whole or broken, raw or roasted
1802,18,Cocoa; shells, husks, skins and other cocoa waste
180200,1802,Cocoa; shells, husks, skins and other cocoa waste
1803,18,Cocoa; paste; whether or not defatted
180310,1803,Cocoa; paste, not defatted
180320,1803,Cocoa; paste, wholly or partly defatted
1804,18,Cocoa; butter, fat and oil
180400,1804,Cocoa; butter, fat and oil
1805,18,Cocoa; powder, not containing added sugar or other sweetening matter
180500,1805,Cocoa; powder, not containing added sugar or other sweetening matter
1806,18,Chocolate and other food preparations containing cocoa
180610,1806,Cocoa; powder, containing added sugar or other sweetening matter
180620,1806,Chocolate & other food preparations containing cocoa; in blocks, slabs or bars weighing more than 2kg or in liquid, paste, powder, granular or other bulk form in containers or immediate packings, content exceeding 2kg
180631,1806,Chocolate and other food preparations containing cocoa; in blocks, slabs or bars, filled, weighing 2kg or less
180632,1806,Chocolate and other food preparations containing cocoa; in blocks, slabs or bars, (not filled), weighing 2kg or less
180690,1806,Chocolate and other food preparations containing cocoa; n.e.c. in chapter 18
19,IV,Preparations of cereals, flour, starch or milk; pastrycooks' products
1901,19,Malt extract; flour/groats/meal/starch/malt extract products, no cocoa (or less than 40% by weight) and food preparations of goods of headings 04.01 to 04.04, no cocoa (or less than 5% by weight), weights calculated on a totally defatted basis, n.e.c.
190110,1901,Food preparations; of flour, meal, starch, malt extract or milk products, suitable for infants or young children, put up for retail sale
190120,1901,Food preparations; mixes and doughs for the preparation of bread, pastry, cakes, biscuits and other bakers' wares
190190,1901,Food preparations; of flour, meal, starch, malt extract or milk products, for uses n.e.c. in heading no. 1901
1902,19,Pasta; whether or not cooked or stuffed with meat or other substance, or otherwise prepared, egg spaghetti, macaroni, noodles, lasagne, gnocchi, ravioli, cannelloni; couscous, whether or not prepared
190211,1902,Food preparations; pasta, containing eggs, uncooked, not stuffed or otherwise prepared
190219,1902,Food preparations; pasta, uncooked (excluding that containing eggs), not stuffed or otherwise prepared
190220,1902,Food preparations; pasta, stuffed (with meat or other substances), whether or not cooked or otherwise prepared
190230,1902,Food preparations; pasta (excluding stuffed), cooked or otherwise prepared
190240,1902,Food preparations; couscous
1903,19,Tapioca and substitutes therefor prepared from starch; in the form of flakes, grains, pearls, siftings or similar forms
190300,1903,Food preparations; tapioca and substitutes thereof, prepared from starch in the form of flakes, grains, pearls, siftings or similar
1904,19,Prepared foods obtained by swelling or roasting cereals or cereal products (e.g. corn flakes); cereals (other than maize (corn)) in grain form or in the form of flakes or other worked grains (not flour and meal), pre-cooked or otherwise prepared, n.e.c.
190410,1904,Food preparations; obtained by the swelling or roasting of cereals or cereal products
190420,1904,Food preparations; obtained from unroasted cereal flakes or from mixtures of unroasted cereal flakes and roasted cereal flakes or swelled cereals
190430,1904,Prepared foods obtained by the swelling or roasting of cereals or cereal products (e.g. corn flakes); cereals, not maize (corn), in grain form or in the form of flakes or other worked grains, from bulgur wheat
190490,1904,Food preparations; cereal or cereal products (excluding maize), in grain form, pre-cooked or otherwise prepared
1905,19,Bread, pastry, cakes, biscuits, other bakers' wares, whether or not containing cocoa; communion wafers, empty cachets suitable for pharmaceutical use, sealing wafers, rice paper and similar products
190510,1905,Food preparations; crispbread, whether or not containing cocoa
190520,1905,Food preparations; gingerbread and the like, whether or not containing cocoa
190531,1905,Food preparations; sweet biscuits, whether or not containing cocoa
190532,1905,Food preparations; waffles and wafers, whether or not containing cocoa
190540,1905,Food preparations; rusks, toasted bread and similar toasted products, whether or not containing cocoa
190590,1905,Food preparations; bakers' wares n.e.c. in heading no. 1605, whether or not containing cocoa; communion wafers, empty cachets suitable for pharmaceutical use, sealing wafers, rice papers and similar products
20,IV,Preparations of vegetables, fruit, nuts or other parts of plants
2001,20,Vegetables, fruit, nuts and other edible parts of plants; prepared or preserved by vinegar or acetic acid
200110,2001,Vegetable preparations; cucumbers and gherkins, prepared or preserved by vinegar or acetic acid
200190,2001,Vegetable preparations; vegetables, fruit, nuts and other edible parts of plants, prepared or preserved by vinegar or acetic acid (excluding cucumbers and gherkins)
2002,20,Tomatoes; prepared or preserved otherwise than by vinegar or acetic acid
200210,2002,Vegetable preparations; tomatoes, whole or in pieces, prepared or preserved otherwise than by vinegar or acetic acid
200290,2002,Vegetable preparations; tomatoes, (other than whole or in pieces), prepared or preserved otherwise than by vinegar or acetic acid
2003,20,Mushrooms and truffles, prepared or preserved other than by vinegar or acetic acid
200310,2003,Vegetable preparations; mushrooms of the genus Agaricus, prepared or preserved otherwise than by vinegar or acetic acid
200390,2003,Vegetable preparations; mushrooms and truffles, other than mushrooms of the genus Agaricus, prepared or preserved otherwise than by vinegar or acetic acid
2004,20,Vegetables preparations n.e.c.; prepared or preserved otherwise than by vinegar or acetic acid, frozen, other than products of heading no. 2006
200410,2004,Vegetable preparations; potatoes, prepared or preserved otherwise than by vinegar or acetic acid, frozen
200490,2004,Vegetable preparations; vegetables and mixtures of vegetables (excluding potatoes), prepared or preserved otherwise than by vinegar or acetic acid, frozen
2005,20,Vegetables preparations n.e.c.; prepared or preserved otherwise than by vinegar or acetic acid, not frozen, other than products of heading no. 2006
200510,2005,Vegetable preparations; homogenised vegetables, prepared or preserved otherwise than by vinegar or acetic acid, not frozen
200520,2005,Vegetable preparations; potatoes, prepared or preserved otherwise than by vinegar or acetic acid, not frozen
200540,2005,Vegetable preparations; peas (pisum sativum), prepared or preserved otherwise than by vinegar or acetic acid, not frozen
200551,2005,Vegetable preparations; beans, shelled, prepared or preserved otherwise than by vinegar or acetic acid, not frozen
200559,2005,Vegetable preparations; beans, (not shelled), prepared or preserved otherwise than by vinegar or acetic acid, not frozen
200560,2005,Vegetable preparations; asparagus, prepared or preserved otherwise than by vinegar or acetic acid, not frozen
200570,2005,Vegetable preparations; olives, prepared or preserved otherwise than by vinegar or acetic acid, not frozen
200580,2005,Vegetable preparations; sweetcorn (zea mays var. saccharata), prepared or preserved otherwise than by vinegar or acetic acid, not frozen
200591,2005,Vegetable preparations; bamboo shoots, prepared or preserved otherwise than by vinegar or acetic acid, not frozen
200599,2005,Vegetable preparations; vegetables and mixtures of vegetables n.e.c. in heading no. 2005, prepared or preserved otherwise than by vinegar or acetic acid, not frozen
2006,20,Vegetables, fruit, nuts, fruit-peel and other parts of plants, preserved by sugar (drained, glace or crystallised)
200600,2006,Vegetables, fruit, nuts, fruit-peel and other parts of plants, preserved by sugar (drained, glace or crystallised)
2007,20,Jams, fruit jellies, marmalades, fruit or nut puree and fruit or nut pastes, being cooked preparations; whether or not containing added sugar or other sweetening matter
200710,2007,Jams, fruit jellies, marmalades, fruit or nut puree and fruit or nut pastes; homogenised, cooked preparations, whether or not containing added sugar or other sweetening matter
200791,2007,Jams, jellies, marmalades, purees and pastes; of citrus fruit, being cooked preparations (excluding homogenised), whether or not containing added sugar or other sweetening matter
200799,2007,Jams, fruit jellies, marmalades, purees and pastes; of fruit or nuts n.e.c. in heading no. 2007, cooked preparations (excluding homogenised), whether or not containing added sugar or other sweetening matter
2008,20,Fruit, nuts and other edible parts of plants; prepared or preserved in ways n.e.c., whether or not containing added sugar or other sweetening matter or spirit, not elsewhere specified or included
200811,2008,Nuts; ground-nuts, whether or not containing added sugar, other sweetening matter or spirit
200819,2008,Nuts and other seeds; whether or not containing added sugar, other sweetening matter or spirit (excluding ground-nuts except in mixtures)
200820,2008,Fruit; pineapples, prepared or preserved in ways n.e.c. in heading no. 2007, whether or not containing added sugar, other sweetening matter or spirit
200830,2008,Fruit; citrus, prepared or preserved in ways n.e.c. in heading no. 2007, whether or not containing added sugar, other sweetening matter or spirit
200840,2008,Fruit; pears, prepared or preserved in ways n.e.c. in heading no. 2007, whether or not containing added sugar, other sweetening matter or spirit
200850,2008,Fruit; apricots, prepared or preserved in ways n.e.c. in heading no. 2007, whether or not containing added sugar, other sweetening matter or spirit
200860,2008,Fruit; cherries, prepared or preserved in ways n.e.c. in heading no. 2007, whether or not containing added sugar, other sweetening matter or spirit
200870,2008,Fruit; peaches, including nectarines, prepared or preserved in ways n.e.c. in heading no. 2007 and 2008, whether or not containing added sugar, other sweetening matter or spirit
200880,2008,Fruit; strawberries, prepared or preserved in ways n.e.c. in heading no. 2007, whether or not containing added sugar, other sweetening matter or spirit
200891,2008,Fruit, palm hearts; prepared or preserved, whether or not containing added sugar, other sweetening matter or spirit
200893,2008,Fruit; cranberries (Vaccinium macrocarpon, Vaccinium oxycoccos); Iingonberries (Vaccinium vitis-idaea), prepared or preserved, whether or not containing added sugar, other sweetening matter or spirit
200897,2008,Fruit, nuts and other edible parts of plants; mixtures (other than those of subheading no 2008.19); prepared or preserved in ways n.e.c. in headings 2007 and 2008, whether or not containing added sugar, or other sweetening matter or spirit, n.e.c.
200899,2008,Fruit, nuts and other edible parts of plants; prepared or preserved, whether or not containing added sugar, other sweetening matter or spirit, n.e.c. in heading no. 2008
2009,20,Fruit or nut juices (including grape must and coconut water) and vegetable juices, unfermented, not containing added spirit, whether or not containing added sugar or other sweetening matter
200911,2009,Juice; orange, frozen, unfermented, (not containing added spirit), whether or not containing added sugar or other sweetening matter
200912,2009,Juice; orange, not frozen, of a Brix value not exceeding 20, unfermented, not containing added spirit, whether or not containing added sugar or other sweetening matter
200919,2009,Juice; orange, not frozen, of a Brix value exceeding 20, unfermented, not containing added spirit, whether or not containing added sugar or other sweetening matter
200921,2009,Juice; grapefruit or pomelo, of a Brix value not exceeding 20, unfermented, (not containing added spirit), whether or not containing added sugar or other sweetening matter
200929,2009,Juice; grapefruit or pomelo, of a Brix value exceeding 20, unfermented, not containing added spirit, whether or not containing added sugar or other sweetening matter
200931,2009,Juice; of single citrus fruit (excluding orange, grapefruit or pomelo), of a Brix value not exceeding 20, unfermented, not containing added spirit, whether or not containing added sugar or other sweetening matter
200939,2009,Juice; of single citrus fruit (excluding orange, grapefruit or pomelo), of a Brix value exceeding 20, unfermented, not containing added spirit, whether or not containing added sugar or other sweetening matter
200941,2009,Juice; pineapple, of a Brix value not exceeding 20, unfermented, (not containing added spirit), whether or not containing added sugar or other sweetening matter
200949,2009,Juice; pineapple, of a Brix value exceeding 20, unfermented, not containing added spirit, whether or not containing added sugar or other sweetening matter
200950,2009,Juice; tomato, unfermented, not containing added spirit, whether or not containing added sugar or other sweetening matter
200961,2009,Juice; grape, of a Brix value not exceeding 30, unfermented, (not containing added spirit), whether or not containing added sugar or other sweetening matter
200969,2009,Juice; grape, of a Brix value exceeding 30, unfermented, not containing added spirit, whether or not containing added sugar or other sweetening matter
200971,2009,Juice; apple, of a Brix value not exceeding 20, unfermented, (not containing added spirit), whether or not containing added sugar or other sweetening matter
200979,2009,Juice; apple, of a Brix value exceeding 20, unfermented, not containing added spirit, whether or not containing added sugar or other sweetening matter
200981,2009,Juice; cranberry (Vaccinium macrocarpon, Vaccinium oxycoccos); Iingonberry (Vaccinium vitis-idaea), unfermented, not containing added spirit, whether or not containing added sugar or other sweetening matter
200989,2009,Juice; of any single fruit, nut or vegetable n.e.c. in heading no. 2009, unfermented, not containing added spirit, whether or not containing added sugar or other sweetening matter
200990,2009,Juices; mixtures of fruits or vegetables (but not nut juice), unfermented, not containing added spirit, whether or not containing added sugar or other sweetening matter
21,IV,Miscellaneous edible preparations
2101,21,Extracts, essences, concentrates of coffee, tea or mate; preparations with a basis of these products or with a basis of coffee, tea or mate; roasted chicory and other roasted coffee substitutes and extracts, essences and concentrates thereof
210111,2101,Extracts, essences and concentrates; of coffee, and preparations with a basis of these extracts, essences or concentrates or with a basis of coffee
210112,2101,Preparations with a basis of extracts, essences or concentrates or with a basis of coffee
210120,2101,Extracts, essences and concentrates; of tea or mate, and preparations with a basis of these extracts, essences or concentrates or with a basis of tea or mate
210130,2101,Chicory, roasted and other roasted coffee substitutes; extracts, essences and concentrates thereof
2102,21,Yeasts (active or inactive); other single-cell micro-organisms, dead (but not including vaccines of heading no. 3002); prepared baking powders
210210,2102,Yeasts; active
210220,2102,Yeasts; inactive, other single-cell micro-organisms, dead
210230,2102,Baking powders; prepared
2103,21,Sauces and preparations therefor; mixed condiments and mixed seasonings, mustard flour and meal and prepared mustard
210310,2103,Sauces; soya
210320,2103,Sauces; tomato ketchup and other tomato sauces
210330,2103,Mustard flour and meal and prepared mustard
210390,2103,Sauces and preparations therefor; mixed condiments and mixed seasonings
2104,21,Soups and broths and preparations therefor; homogenised composite food preparations
210410,2104,Soups and broths and preparations therefor
210420,2104,Homogenised composite food preparations
2105,21,Ice cream and other edible ice; whether or not containing cocoa
210500,2105,Ice cream and other edible ice; whether or not containing cocoa
2106,21,Food preparations not elsewhere specified or included
210610,2106,Protein; concentrates and textured protein substances
210690,2106,Food preparations; n.e.c. in item no. 2106.10
22,IV,Beverages, spirits and vinegar
2201,22,Waters, including natural or artificial mineral waters and aerated waters, not containing added sugar or other sweetening matter nor flavoured; ice and snow
220110,2201,Waters; mineral and aerated, including natural or artificial, (not containing added sugar or other sweetening matter nor flavoured)
220190,2201,Waters; other than mineral and aerated, (not containing added sugar or other sweetening matter nor flavoured), ice and snow
2202,22,Waters, including mineral and aerated waters, containing added sugar or sweetening matter, flavoured; other non-alcoholic beverages, not including fruit, nut or vegetable juices of heading no. 2009
220210,2202,Waters; including mineral and aerated, containing added sugar or other sweetening matter or flavoured
220291,2202,Non-alcoholic beverages; non-alcoholic beer
220299,2202,Non-alcoholic beverages; other than non-alcoholic beer, n.e.c. in item no. 2202.10, not including fruit, nut or vegetable juices of heading no. 2009
2203,22,Beer made from malt
220300,2203,Beer; made from malt
2204,22,Wine of fresh grapes, including fortified wines; grape must other than that of heading no. 2009
220410,2204,Wine; sparkling
220421,2204,Wine; still, in containers holding 2 litres or less
220422,2204,Wine; still, in containers holding more than 2 litres but not more than 10 litres
220429,2204,Wine; still, in containers holding more than 10 litres
220430,2204,Grape must; n.e.c. in heading no. 2009, n.e.c. in item no. 2204.2
2205,22,Vermouth and other wine of fresh grapes, flavoured with plants or aromatic substances
220510,2205,Vermouth and other wine of fresh grapes, flavoured with plants or aromatic substances, in containers holding 2 litres or less
220590,2205,Vermouth and other wine of fresh grapes, flavoured with plants or aromatic substances, in containers holding more than 2 litres
2206,22,Fermented beverages, n.e.c. in chapter 22; (e.g. cider, perry, mead, sake)
220600,2206,Beverages, fermented; (e.g. cider, perry, mead, sake)
2207,22,Ethyl alcohol, undenatured; of an alcoholic strength by volume of 80% vol. or higher; ethyl alcohol and other spirits, denatured, of any strength
220710,2207,Undenatured ethyl alcohol; of an alcoholic strength by volume of 80% vol. or higher
220720,2207,Ethyl alcohol and other spirits; denatured, of any strength
2208,22,Ethyl alcohol, undenatured; of an alcoholic strength by volume of less than 80% volume; spirits, liqueurs and other spirituous beverages
220820,2208,Spirits obtained by distilling grape wine or grape marc
220830,2208,Whiskies
220840,2208,Rum and other spirits obtained by distilling fermented sugar-cane products
220850,2208,Gin and geneva
220860,2208,Vodka
220870,2208,Liqueurs and cordials
220890,2208,Spirits, liqueurs and other spirituous beverages; n.e.c. in heading no. 2208
2209,22,Vinegar and substitutes for vinegar obtained from acetic acid
220900,2209,Vinegar and substitutes for vinegar; obtained from acetic acid
23,IV,Food industries, residues and wastes thereof; prepared animal fodder
2301,23,Flours, meal and pellets, of meat or meat offal, of fish or of crustaceans, molluscs or other aquatic invertebrates, unfit for human consumption; greaves
230110,2301,Flours, meals and pellets; of meat or meat offal, greaves
230120,2301,Flours, meals and pellets; of fish or of crustaceans, molluscs or other aquatic invertebrates
2302,23,Bran, sharps and other residues; whether or not in the form of pellets derived from the sifting, milling or other working of cereals or of leguminous plants
230210,2302,Bran, sharps and other residues; of maize (corn), whether or not in the form of pellets, derived from the sifting, milling or other workings thereof
230230,2302,Bran, sharps and other residues; of wheat, whether or not in the form of pellets, derived from the sifting, milling or other workings thereof
230240,2302,Bran, sharps and other residues; of other cereals, whether or not in the form of pellets, derived from the sifting, milling or other workings thereof
230250,2302,Bran, sharps and other residues; of leguminous plants, whether or not in the form of pellets, derived from the sifting, milling or other workings thereof
2303,23,Residues of starch manufacture, similar residues; beet-pulp, bagasse and other waste of sugar manufacture, brewing or distilling dregs and waste, whether or not in the form of pellets
230310,2303,Residues of starch manufacture and similar residues; whether or not in the form of pellets
230320,2303,Beet-pulp, bagasse and other waste of sugar manufacture; whether or not in the form of pellets
230330,2303,Brewing or distilling dregs and waste; whether or not in the form of pellets
2304,23,Oil-cake and other solid residues; whether or not ground or in the form of pellets, resulting from the extraction of soya-bean oil
230400,2304,Oil-cake and other solid residues; whether or not ground or in the form of pellets, resulting from the extraction of soya-bean oil
2305,23,Oil-cake and other solid residues; whether or not ground or in the form of pellets, resulting from the extraction of ground-nut oil
230500,2305,Oil-cake and other solid residues; whether or not ground or in the form of pellets, resulting from the extraction of ground-nut oil
2306,23,Oil-cake and other solid residues; whether or not ground or in the form of pellets, resulting from the extraction of vegetable or microbial fats or oils, other than those of heading no. 2304 or 2305
230610,2306,Oil-cake and other solid residues; whether or not ground or in the form of pellets, resulting from the extraction of cotton seed oils
230620,2306,Oil-cake and other solid residues; whether or not ground or in the form of pellets, resulting from the extraction of linseed oils
230630,2306,Oil-cake and other solid residues; whether or not ground or in the form of pellets, resulting from the extraction of sunflower seed oils
230641,2306,Oil-cake and other solid residues; whether or not ground or in the form of pellets, resulting from the extraction of low erucic acid rape or colza seed oils
230649,2306,Oil-cake and other solid residues; whether or not ground or in the form of pellets, resulting from the extraction of rape seed oils (other than low erucic acid rape or colza)
230650,2306,Oil-cake and other solid residues; whether or not ground or in the form of pellets, resulting from the extraction of coconut or copra seed oils
230660,2306,Oil-cake and other solid residues; whether or not ground or in the form of pellets, resulting from the extraction of palm nuts or kernels oils
230690,2306,Oil-cake and other solid residues; whether or not ground or in the form of pellets, resulting from the extraction of oils, n.e.c. in heading no. 2306
2307,23,Wine lees; argol
230700,2307,Wine lees; argol
2308,23,Vegetable materials and vegetable waste, vegetable residues and bi-products; whether or not in the form of pellets, of a kind used in animal feeding, not elsewhere specified or included
230800,2308,Vegetable materials and vegetable waste, vegetable residues and by-products; whether or not in the form of pellets, of a kind used in animal feeding, not elsewhere specified or included
2309,23,Preparations of a kind used in animal feeding
230910,2309,Dog or cat food; put up for retail sale, used in animal feeding
230990,2309,Dog or cat food; (not put up for retail sale), used in animal feeding
24,IV,Tobacco and manufactured tobacco substitutes; products, whether or not containing nicotine, intended for inhalation without combustion; other nicotine containing products intended for the intake of nicotine into the human body
2401,24,Tobacco, unmanufactured; tobacco refuse
240110,2401,Tobacco, (not stemmed or stripped)
240120,2401,Tobacco; partly or wholly stemmed or stripped
240130,2401,Tobacco refuse
2402,24,Cigars, cheroots, cigarillos and cigarettes; of tobacco or of tobacco substitutes
240210,2402,Cigars, cheroots and cigarillos; containing tobacco including the weight of every band, wrapper or attachment thereto
240220,2402,Cigarettes; containing tobacco
240290,2402,Cigars, cigarillos and cheroots; containing tobacco substitutes including the weight of every band, wrapper or attachment thereto
2403,24,Manufactured tobacco and manufactured tobacco substitutes n.e.c; homogenised or reconstituted tobacco; tobacco extracts and essences
240311,2403,Tobacco; smoking, water pipe tobacco as specified in Subheading Note 1 to this Chapter, whether or not containing tobacco substitutes in any proportion
240319,2403,Tobacco; smoking, other than water pipe tobacco, whether or not containing tobacco substitutes in any proportion
240391,2403,Tobacco; homogenised or reconstituted
240399,2403,Tobacco; other than homogenised or reconstituted or smoking
2404,24,Products containing tobacco, reconstituted tobacco, nicotine, or tobacco or nicotine substitutes, intended for inhalation without combustion; other nicotine containing products intended for the intake of nicotine into the human body
240411,2404,Products containing tobacco or reconstituted tobacco, intended for inhalation without combustion
240412,2404,Products containing nicotine, other than tobacco or reconstituted tobacco, intended for inhalation without combustion
240419,2404,Products containing tobacco or nicotine substitutes, intended for inhalation without combustion
240491,2404,Products n.e.c. in heading 2404, intended for the intake of nicotine into the human body, for oral application
240492,2404,Products n.e.c. in heading 2404, intended for the intake of nicotine into the human body, for transdermal application
240499,2404,Products n.e.c. in heading 2404, intended for the intake of nicotine into the human body, by ways other than inhalation, and other than oral or transdermal application
25,V,Salt; sulphur; earths, stone; plastering materials, lime and cement
2501,25,Salt (including table salt and denatured salt); pure sodium chloride whether or not in aqueous solution; sea water
250100,2501,Salt (including table salt and denatured salt); pure sodium chloride whether or not in aqueous solution; sea water
2502,25,Iron pyrites; unroasted
250200,2502,Iron pyrites; unroasted
2503,25,Sulphur of all kinds; other than sublimed, precipitated and colloidal sulphur
250300,2503,Sulphur of all kinds; other than sublimed, precipitated and colloidal sulphur
2504,25,Graphite; natural
250410,2504,Graphite; natural, in powder or in flakes
250490,2504,Graphite; natural, in other forms, excluding powder or flakes
2505,25,Sands of all kinds; natural, whether or not coloured, other than metal-bearing sands of chapter 26
250510,2505,Sands; natural, silica and quartz sands, whether or not coloured
250590,2505,Sands; natural, (other than silica and quartz sands), whether or not coloured, (other than metal-bearing sands of chapter 26)
2506,25,Quartz; (other than natural sands), quartzite, whether or not roughly trimmed or merely cut, by sawing or otherwise, into blocks or slabs of a rectangular (including square) shape
250610,2506,Quartz; other than natural sands
250620,2506,Quartzite; whether or not roughly trimmed or merely cut, by sawing or otherwise, into blocks or slabs of a rectangular (including square) shape
2507,25,Kaolin and other kaolinic clays; whether or not calcined
250700,2507,Kaolin and other kaolinic clays; whether or not calcined
2508,25,Clays; (not including expanded clays of heading no. 6806), andalusite kyanite and sillimanite, whether or not calcined; mullite; chamotte or dinas earth
250810,2508,Clays (excluding expanded clays of heading no. 6806); bentonite, whether or not calcined
250830,2508,Clays (excluding expanded clays of heading no. 6806); fireclay, whether or not calcined
250840,2508,Clays (excluding expanded clays of heading no. 6806); n.e.c. in heading no. 2508, whether or not calcined
250850,2508,Clays (excluding expanded clays of heading no. 6806); andalusite, kyanite and sillimanite, whether or not calcined
250860,2508,Clays (excluding expanded clays of heading no. 6806); mullite
250870,2508,Clays (excluding expanded clays of heading no. 6806); chamotte or dinas earths
2509,25,Chalk
250900,2509,Chalk
2510,25,Natural calcium phosphates; natural aluminium calcium phosphates and phosphatic chalk
251010,2510,Natural calcium phosphates, natural aluminium calcium phosphates and phosphatic chalk; unground
251020,2510,Natural calcium phosphates, natural aluminium calcium phosphates and phosphatic chalk; ground
2511,25,Natural barium sulphate (barytes); natural barium carbonate, (witherite) whether or not calcined, other than barium oxide of heading no. 2816
251110,2511,Barium sulphate (barytes); natural
251120,2511,Barium carbonate (witherite); natural, whether or not calcined, other than barium oxide of heading no. 2816
2512,25,Siliceous fossil meals (e.g. kieselguhr, tripolite and diatomite) and similar siliceous earths; whether or not calcined, of an apparent specific gravity of 1 or less
251200,2512,Siliceous fossil meals (e.g. kieselguhr, tripolite and diatomite) and similar siliceous earths; whether or not calcined, of an apparent specific gravity of 1 or less
2513,25,Pumice stone; emery; natural corundum, natural garnet and other natural abrasives, whether or not heat treated
251310,2513,Pumice stone, whether or not heat treated
251320,2513,Emery, natural corundum, natural garnet and other natural abrasives, whether or not heat-treated
2514,25,Slate, whether or not roughly trimmed or merely cut, by sawing or otherwise, into blocks or slabs of a rectangular (including square) shape
251400,2514,Slate; whether or not roughly trimmed or merely cut, by sawing or otherwise, into blocks or slabs of a rectangular (including square) shape
2515,25,Marble, travertine, ecaussine and other calcareous stone; of an apparent specific gravity of less than 2.5, alabaster, whether cut by sawing etc, into blocks, slabs of a rectangular (square) shape
251511,2515,Marble and travertine; having a specific gravity of 2.5 or more, crude or roughly trimmed by sawing or otherwise, into blocks or slabs of a rectangular (including square) shape
251512,2515,Marble and travertine; merely cut, by sawing or otherwise, into blocks or slabs of a rectangular (including square) shape, having a specific gravity of 2.5 or more
251520,2515,Ecaussine and other calcareous monumental or building stone; alabaster, having a specific gravity of 2.5 or more
2516,25,Granite, porphyry, basalt, sandstone, other monumental and building stone, whether or not roughly trimmed, cut, by sawing etc, into blocks or slabs of a rectangular (including square) shape
251611,2516,Granite; crude or roughly trimmed
251612,2516,Granite; merely cut, by sawing or otherwise, into blocks or slabs of a rectangular (including square) shape
251620,2516,Sandstone;. whether or not roughly trimmed, cut, by sawing etc, into blocks or slabs of a rectangular (including square) shape
251690,2516,Monumental or building stone; n.e.c. in heading no. 2516, whether or not roughly trimmed or merely cut, by sawing or otherwise, into blocks or slabs of a rectangular (including square) shape
2517,25,Pebbles, gravel, crushed stone for concrete aggregates for road or railway ballast, shingle or flint; macadam of slag, dross etc tarred granules, chippings, powder of stones of heading no. 2515 and 2516
251710,2517,Pebbles, gravel, broken or crushed stone; of a kind commonly used for concrete aggregates, for road metalling or for railway or other ballast, shingle and flint, whether or not heat-treated
251720,2517,Macadam of slag, dross or similar industrial waste; whether or not incorporating the materials in Tariff item 2517.10.00
251730,2517,Tarred macadam
251741,2517,Stones; of marble, in granules, chippings and powder, whether or not heat-treated
251749,2517,Stones; of heading no. 2515 or 2516 (excluding marble), in granules, chippings and powder, whether or not heat-treated
2518,25,Dolomite, whether or not calcined or sintered, including dolomite roughly trimmed or merely cut, by sawing or otherwise, into blocks or slabs of a rectangular (including square) shape
251810,2518,Dolomite, not calcined or sintered; including dolomite roughly trimmed, or merely cut by sawing or otherwise into blocks or slabs of rectangular (including square) shape
251820,2518,Dolomite, calcined or sintered; including dolomite roughly trimmed, or merely cut by sawing or otherwise into blocks or slabs of rectangular (including square) shape
2519,25,Natural magnesium carbonate (magnesite); fused magnesia; dead-burned (sintered) magnesia, whether or not containing small quantities of other oxides added before sintering; magnesium oxide, pure or not
251910,2519,Magnesium carbonate (magnesite); natural
251990,2519,Magnesia, fused or dead-burned (sintered); whether or not containing small quantities of other oxides added before sintering, other magnesium oxide, whether or not pure, (not natural magnesium carbonate)
2520,25,Gypsum; anhydrite; plasters (consisting of calcined gypsum or calcium sulphate), coloured or not, with or without small quantities of accelerators or retarders
252010,2520,Gypsum; anhydrite
252020,2520,Plasters; (consisting of calcined gypsum or calcium sulphate), whether or not coloured, with or without small quantities of accelerators or retarders
2521,25,Limestone flux; limestone and other calcareous stone, of a kind used for the manufacture of lime or cement
252100,2521,Limestone flux; limestone and other calcareous stone, of a kind used for the manufacture of lime or cement
2522,25,Quicklime, slaked lime and hydraulic lime; other than calcium oxide and hydroxide of heading no. 2825
252210,2522,Quicklime; excluding calcium oxide and hydroxide of heading no. 2825
252220,2522,Slaked lime; excluding calcium oxide and hydroxide of heading no. 2825
252230,2522,Hydraulic lime; excluding calcium oxide and hydroxide of heading no. 2825
2523,25,Portland cement, aluminous cement (ciment fondu), slag cement, supersulphate cement and similar hydraulic cements, whether or not coloured or in the form of clinkers
252310,2523,Cement clinkers (whether or not coloured)
252321,2523,Cement; portland, white, whether or not artificially coloured
252329,2523,Cement; portland, other than white, whether or not artificially coloured
252330,2523,Cement; aluminous (ciment fondu), whether or not coloured or in the form of clinkers
252390,2523,Cement; hydraulic kinds n.e.c. in heading no. 2523
2524,25,Asbestos
252410,2524,Asbestos; crocidolite (blue asbestos)
252490,2524,Asbestos; other than crocidolite (blue asbestos)
2525,25,Mica, including splittings; mica waste
252510,2525,Mica; crude and rifted into sheets or splittings
252520,2525,Mica; powder
252530,2525,Mica; waste
2526,25,Natural steatite; whether or not roughly trimmed or merely cut, by sawing or otherwise, into blocks or slabs of a rectangular (including square) shape; talc
252610,2526,Steatite; natural, (not crushed or powdered), whether or not roughly trimmed or merely cut, by sawing or otherwise, into blocks or slabs of a rectangular (including square) shape; talc
252620,2526,Steatite; natural, crushed, powdered, whether or not roughly trimmed or merely cut, by sawing or otherwise, into blocks or slabs of a rectangular (including square) shape; talc
2528,25,Natural borates and concentrates thereof (whether or not calcined), but not including borates separated from natural brine; natural boric acid containing not more than 85 % of H3BO3 calculated on the dry weight
252800,2528,Natural borates and concentrates thereof (whether or not calcined), but not including borates separated from natural brine; natural boric acid containing not more than 85 % of H3BO3 calculated on the dry weight
2529,25,Feldspar; leucite; nepheline and nepheline syenite; fluorspar
252910,2529,Feldspar
252921,2529,Fluorspar; containing by weight 97% or less of calcium fluoride
252922,2529,Fluorspar; containing by weight more than 97% of calcium fluoride
252930,2529,Leucite; nepheline and nepheline syenite
2530,25,Mineral substances not elsewhere specified or included
253010,2530,Vermiculite, perlite and chlorites; unexpanded
253020,2530,Kieserite, epsomite (natural magnesium sulphates)
253090,2530,Mineral substances; n.e.c. in chapter 25
26,V,Ores, slag and ash
2601,26,Iron ores and concentrates; including roasted iron pyrites
260111,2601,Iron ores and concentrates; non-agglomerated
260112,2601,Iron ores and concentrates; agglomerated (excluding roasted iron pyrites)
260120,2601,Iron pyrites; roasted
2602,26,Manganese ores and concentrates, including ferruginous manganese ores and concentrates with a manganese content of 20% or more, calculated on the dry weight
260200,2602,Manganese ores and concentrates, including ferruginous manganese ores and concentrates with a manganese content of 20% or more, calculated on the dry weight
2603,26,Copper ores and concentrates
260300,2603,Copper ores and concentrates
2604,26,Nickel ores and concentrates
260400,2604,Nickel ores and concentrates
2605,26,Cobalt ores and concentrates
260500,2605,Cobalt ores and concentrates
2606,26,Aluminium ores and concentrates
260600,2606,Aluminium ores and concentrates
2607,26,Lead ores and concentrates
260700,2607,Lead ores and concentrates
2608,26,Zinc ores and concentrates
260800,2608,Zinc ores and concentrates
2609,26,Tin ores and concentrates
260900,2609,Tin ores and concentrates
2610,26,Chromium ores and concentrates
261000,2610,Chromium ores and concentrates
2611,26,Tungsten ores and concentrates
261100,2611,Tungsten ores and concentrates
2612,26,Uranium or thorium ores and concentrates
261210,2612,Uranium ores and concentrates
261220,2612,Thorium ores and concentrates
2613,26,Molybdenum ores and concentrates
261310,2613,Molybdenum ores and concentrates; roasted
261390,2613,Molybdenum ores and concentrates; other than roasted
2614,26,Titanium ores and concentrates
261400,2614,Titanium ores and concentrates
2615,26,Niobium, tantalum, vanadium or zirconium ores and concentrates
261510,2615,Zirconium ores and concentrates
261590,2615,Niobium, tantalum, vanadium ores and concentrates
2616,26,Precious metal ores and concentrates
261610,2616,Silver ores and concentrates
261690,2616,Precious metal ores and concentrates; (excluding silver)
2617,26,Ores and concentrates; n.e.c. in heading no. 2601
261710,2617,Antimony ores and concentrates
261790,2617,Ores and concentrates n.e.c. in chapter 26; other than antimony
2618,26,Granulated slag (slag sand) from the manufacture of iron or steel
261800,2618,Slag, granulated (slag sand); from the manufacture or iron or steel
2619,26,Slag, dross; (other than granulated slag), scalings and other waste from the manufacture of iron or steel
261900,2619,Slag, dross; (other than granulated slag), scalings and other waste from the manufacture of iron or steel
2620,26,Slag, ash and residues; (not from the manufacture of iron or steel) containing metals, arsenic or their compounds
262011,2620,Slag, ash and residues; (not from the manufacture of iron or steel), containing mainly zinc, hard zinc spelter
262019,2620,Slag, ash and residues; (not from the manufacture of iron or steel), containing mainly zinc, other than hard zinc spelter
262021,2620,Slag, ash and residues; (not from the manufacture of iron or steel), containing mainly lead; leaded gasoline sludges and leaded anti-knock compound sludges
262029,2620,Slag, ash and residues; (not from the manufacture of iron or steel), containing mainly lead; excluding leaded gasoline sludges and leaded anti-knock compound sludges
262030,2620,Slag, ash and residues; (not from the manufacture of iron or steel), containing mainly copper
262040,2620,Slag, ash and residues; (not from the manufacture of iron or steel), containing mainly aluminium
262060,2620,Slag, ash and residues; (not from the manufacture of iron or steel), containing arsenic, mercury, thallium or their mixtures, of a kind used for the extraction of arsenic or those metals or for the manufacture of their chemical compounds
262091,2620,Slag, ash and residues; (not from the manufacture of iron or steel), containing antimony, beryllium, cadmium, chromium or their mixtures
262099,2620,Slag, ash and residues; (not from the manufacture of iron or steel), containing mainly metals or their compounds, n.e.c. in heading no. 2620
2621,26,Slag and ash n.e.c. in chapter 26; including seaweed ash (kelp) and ash and residues from the incineration of municipal waste
262110,2621,Slag and ash; ash and residues from the incineration of municipal waste
262190,2621,Slag and ash n.e.c. in chapter 26; including seaweed ash (kelp) but excluding ash and residues from the incineration of municipal waste
27,V,Mineral fuels, mineral oils and products of their distillation; bituminous substances; mineral waxes
2701,27,Coal; briquettes, ovoids and similar solid fuels manufactured from coal
270111,2701,Coal; anthracite, whether or not pulverised, but not agglomerated
270112,2701,Coal; bituminous, whether or not pulverised, but not agglomerated
270119,2701,Coal; (other than anthracite and bituminous), whether or not pulverised but not agglomerated
270120,2701,Briquettes, ovoids and similar solid fuels; manufactured from coal
2702,27,Lignite; whether or not agglomerated, excluding jet
270210,2702,Lignite; whether or not pulverised, but not agglomerated, excluding jet
270220,2702,Lignite; agglomerated, excluding jet
2703,27,Peat; (including peat litter), whether or not agglomerated
270300,2703,Peat; (including peat litter), whether or not agglomerated
2704,27,Coke and semi-coke; of coal, lignite or peat, whether or not agglomerated; retort carbon
270400,2704,Coke and semi-coke; of coal, lignite or peat, whether or not agglomerated; retort carbon
2705,27,Coal gas, water gas, producer gas and similar gases, other than petroleum gases and other gaseous hydrocarbons
270500,2705,Gases; coal, water, producer and similar gases (excluding petroleum and other gaseous hydrocarbons)
2706,27,Tar distilled from coal, from lignite, peat and other mineral tars, whether or not dehydrated or partially distilled; including reconstituted tars
270600,2706,Tar; distilled from coal, lignite or peat, and other mineral tars, whether or not dehydrated or partially distilled, including reconstituted tars
2707,27,Oils and other products of the distillation of high temperature coal tar; similar products in which the weight of the aromatic constituents exceeds that of the non-aromatic constituents
270710,2707,Oils and products of the distillation of high temperature coal tar; benzol (benzene)
270720,2707,Oils and products of the distillation of high temperature coal tar; toluol (toluene)
270730,2707,Oils and products of the distillation of high temperature coal tar; xylol (xylenes)
270740,2707,Oils and products of the distillation of high temperature coal tar; naphthalene
270750,2707,Aromatic hydrocarbon mixtures; n.e.c. in heading no. 2707, of which 65% or more by volume (including losses) distils at 250 degrees Celsius by the ISO 3405 method (equivalent to the ASTM D 86 method)
270791,2707,Oils and other products of the distillation of high temperature coal tar; creosote oils
270799,2707,Oils and other products of the distillation of high temperature coal tar; n.e.c. in heading no. 2707
2708,27,Pitch and pitch coke; obtained from coal tar or from other mineral tars
270810,2708,Pitch; obtained from coal tar or from other mineral tars
270820,2708,Pitch coke; obtained from coal tar or from other mineral tars
2709,27,Petroleum oils and oils obtained from bituminous minerals; crude
270900,2709,Oils; petroleum oils and oils obtained from bituminous minerals, crude
2710,27,Petroleum oils and oils from bituminous minerals, not crude; preparations n.e.c, containing by weight 70% or more of petroleum oils or oils from bituminous minerals; these being the basic constituents of the preparations; waste oils
271012,2710,Petroleum oils and oils from bituminous minerals, not containing biodiesel, not crude, not waste oils; preparations n.e.c, containing by weight 70% or more of petroleum oils or oils from bituminous minerals; light oils and preparations
271019,2710,Petroleum oils and oils from bituminous minerals, not containing biodiesel, not crude, not waste oils; preparations n.e.c, containing by weight 70% or more of petroleum oils or oils from bituminous minerals; not light oils and preparations
271020,2710,Petroleum oils and oils from bituminous minerals, containing biodiesel, not crude, not waste oils; preparations n.e.c, containing by weight 70% or more of petroleum oils or oils from bituminous minerals
271091,2710,Waste Oils; of petroleum or obtained from bituminous minerals, not crude; and preparations n.e.c., weight 70% or preparations of the same, containing polychlorinated biphenyls (PCBs), polychorinated terphenyls (PCTs) or polybrominated biphenyls (PBBs)
271099,2710,Waste Oils; of petroleum or obtained from bituminous minerals, not crude and preparations n.e.c., weight 70% or preparations of the same, not containing polychlorinated biphenyls (PCBs), polychorinated terphenyls (PCTs) or polybrominated biphenyls (PBBs)
2711,27,Petroleum gases and other gaseous hydrocarbons
271111,2711,Petroleum gases and other gaseous hydrocarbons; liquefied, natural gas
271112,2711,Petroleum gases and other gaseous hydrocarbons; liquefied, propane
271113,2711,Petroleum gases and other gaseous hydrocarbons; liquefied, butanes
271114,2711,Petroleum gases and other gaseous hydrocarbons; liquefied, ethylene, propylene, butylene and butadiene
271119,2711,Petroleum gases and other gaseous hydrocarbons; liquefied, n.e.c. in heading no. 2711
271121,2711,Petroleum gases and other gaseous hydrocarbons; in gaseous state, natural gas
271129,2711,Petroleum gases and other gaseous hydrocarbons; in gaseous state, other than natural gas
2712,27,Petroleum jelly; paraffin wax, micro-crystalline petroleum wax, slack wax, ozokerite, lignite wax, peat wax, other mineral waxes, similar products obtained by synthesis, other processes; coloured or not
271210,2712,Petroleum jelly
271220,2712,Paraffin wax; containing by weight less than 0.75% of oil, obtained by synthesis or by other processes, whether or not coloured
271290,2712,Paraffin wax; containing by weight 0.75% or more of oil, obtained by synthesis or by other processes, whether or not coloured
2713,27,Petroleum coke, petroleum bitumen; other residues of petroleum oils or oils obtained from bituminous minerals
271311,2713,Petroleum coke; (not calcined), obtained from bituminous minerals
271312,2713,Petroleum coke; calcined, obtained from bituminous minerals
271320,2713,Petroleum bitumen; obtained from bituminous minerals
271390,2713,Residues; of petroleum oils or of oils obtained from bituminous minerals
2714,27,Bitumen and asphalt, natural; bituminous or oil shale and tar sands; asphaltites and asphaltic rocks
271410,2714,Bituminous or oil shale and tar sands
271490,2714,Bitumen and asphalt, natural; asphaltites and asphaltic rock
2715,27,Bituminous mixtures based on natural asphalt; on natural bitumen, on petroleum bitumen, on mineral tar or on mineral tar pitch (e.g. bituminous mastics, cut-backs)
271500,2715,Bituminous mixtures based on natural asphalt, on natural bitumen, on petroleum bitumen, on mineral tar or on mineral tar pitch (e.g. bituminous mastics, cut-backs)
2716,27,Electrical energy
271600,2716,Electrical energy
28,VI,Inorganic chemicals; organic and inorganic compounds of precious metals; of rare earth metals, of radio-active elements and of isotopes
2801,28,Fluorine, chlorine, bromine and iodine
280110,2801,Chlorine
280120,2801,Iodine
280130,2801,Fluorine; bromine
2802,28,Sulphur; sublimed or precipitated, colloidal sulphur
280200,2802,Sulphur; sublimed or precipitated, colloidal sulphur
2803,28,Carbon; carbon blacks and other forms of carbon n.e.c.
280300,2803,Carbon; carbon blacks and other forms of carbon n.e.c.
2804,28,Hydrogen, rare gases and other non-metals
280410,2804,Hydrogen
280421,2804,Gases, rare; argon
280429,2804,Gases, rare; other than argon
280430,2804,Nitrogen
280440,2804,Oxygen
280450,2804,Boron; tellurium
280461,2804,Silicon; containing by weight not less than 99.99% of silicon
280469,2804,Silicon; containing by weight less than 99.99% of silicon
280470,2804,Phosphorus
280480,2804,Arsenic
280490,2804,Selenium
2805,28,Alkali or alkaline-earth metals; rare-earth metals, scandium and yttrium, whether or not intermixed or interalloyed; mercury
280511,2805,Alkali or alkali-earth metals; sodium
280512,2805,Alkali or alkali-earth metals; calcium
280519,2805,Alkali or alkali-earth metals; other than sodium and calcium
280530,2805,Earth-metals, rare; scandium and yttrium, whether or not intermixed or interalloyed
280540,2805,Mercury
2806,28,Hydrogen chloride (hydrochloric acid); chlorosulphuric acid
280610,2806,Hydrogen chloride (hydrochloric acid)
280620,2806,Chlorosulphuric acid
2807,28,Sulphuric acid; oleum
280700,2807,Sulphuric acid; oleum
2808,28,Nitric acid; sulphonitric acids
280800,2808,Nitric acid; sulphonitric acids
2809,28,Diphosphorus pentaoxide; phosphoric acid; polyphosphoric acids, whether or not chemically defined
280910,2809,Diphosphorus pentoxide
280920,2809,Phosphoric acid and polyphosphoric acids
2810,28,Oxides of boron; boric acids
281000,2810,Oxides of boron; boric acids
2811,28,Inorganic acids and other inorganic oxygen compounds of non-metals; n.e.c. in heading no. 2806 to 2810
281111,2811,Hydrogen fluoride (hydrofluoric acid)
281112,2811,Hydrogen cyanide (hydrocyanic acid)
281119,2811,Inorganic acids; other than hydrogen fluoride
281121,2811,Carbon dioxide
281122,2811,Silicon dioxide
281129,2811,Inorganic oxygen compounds; of non-metals, n.e.c. in item no. 2811.2
2812,28,Halides and halide oxides of non-metals
281211,2812,Carbonyl dichloride (phosgene)
281212,2812,Phosphorus oxychloride
281213,2812,Phosphorus trichloride
281214,2812,Phosphorus pentachloride
281215,2812,Sulphur monochloride
281216,2812,Sulphur dichloride
281217,2812,Thionyl chloride
281219,2812,Arsenic trichloride and other chlorides and chloride oxides, n.e.c. in item no. 2812
281290,2812,Halides and halide oxides of non-metals; excluding chloride
2813,28,Sulphides of non-metals; commercial phosphorus trisulphide
281310,2813,Carbon disulphide
281390,2813,Sulphides of non-metals, (excluding carbon); commercial phosphorus trisulphide
2814,28,Ammonia; anhydrous or in aqueous solution
281410,2814,Ammonia; anhydrous
281420,2814,Ammonia; in aqueous solution
2815,28,Sodium hydroxide (caustic soda); potassium hydroxide (caustic potash) peroxides of sodium or potassium
281511,2815,Sodium hydroxide (caustic soda); solid
281512,2815,Sodium hydroxide (caustic soda); in aqueous solution (soda lye or liquid soda)
281520,2815,Potassium hydroxide (caustic potash)
281530,2815,Peroxides of sodium or potassium
2816,28,Hydroxide and peroxide of magnesium; oxides, hydroxides and peroxides of strontium or barium
281610,2816,Hydroxide and peroxide of magnesium
281640,2816,Oxides, hydroxides and peroxides, of strontium or barium
2817,28,Zinc; oxide and peroxide
281700,2817,Zinc; oxide and peroxide
2818,28,Aluminium oxide (including artificial corundum); aluminium hydroxide
281810,2818,Aluminium oxide; artificial corundum
281820,2818,Aluminium oxide; other than artificial corundum
281830,2818,Aluminium hydroxide
2819,28,Chromium oxides and hydroxides
281910,2819,Chromium trioxide
281990,2819,Chromium oxides and hydroxides; excluding chromium trioxide
2820,28,Manganese oxides
282010,2820,Manganese dioxide
282090,2820,Manganese oxides; excluding manganese dioxide
2821,28,Iron oxides and hydroxides; earth colours containing 70% or more by weight of combined iron evaluated as Fe2o3
282110,2821,Iron oxides and hydroxides
282120,2821,Earth colours; containing 70% or more by weight of combined iron evaluated as Fe2o3
2822,28,Cobalt oxides and hydroxides; commercial cobalt oxides
282200,2822,Cobalt oxides and hydroxides; commercial cobalt oxides
2823,28,Titanium oxides
282300,2823,Titanium oxides
2824,28,Lead oxides; red lead and orange lead
282410,2824,Lead; lead monoxide (litharge, massicot)
282490,2824,Lead oxides; n.e.c. in heading no. 2824
2825,28,Hydrazine and hydroxylamine and their inorganic salts; other inorganic bases; other metal oxides, hydroxides and peroxides
282510,2825,Hydrazine and hydroxylamine and their inorganic salts
282520,2825,Lithium oxide and hydroxide
282530,2825,Vanadium oxides and hydroxides
282540,2825,Nickel oxides and hydroxides
282550,2825,Copper oxides and hydroxides
282560,2825,Germanium oxides and zirconium dioxide
282570,2825,Molybdenum oxides and hydroxides
282580,2825,Antimony oxides
282590,2825,Inorganic bases, metal oxides, hydroxides and peroxides; n.e.c. in heading no. 2825
2826,28,Fluorides; fluorosilicates, fluoroaluminates and other complex fluorine salts
282612,2826,Fluorides; of aluminium
282619,2826,Fluorides; other than of aluminium
282630,2826,Sodium hexafluoroaluminate (synthetic cryolite)
282690,2826,Fluorides; fluorosilicates, fluoroaluminates and other complex fluorine salts, n.e.c. in heading no. 2826
2827,28,Chlorides; chloride oxides and chloride hydroxides; bromides and bromide oxides; iodides and iodide oxides
282710,2827,Chlorides; of ammonium
282720,2827,Chlorides; of calcium
282731,2827,Chlorides; of magnesium
282732,2827,Chlorides; of aluminium
282735,2827,Chlorides; of nickel
282739,2827,Chlorides; other than of ammonium, calcium, magnesium, aluminium and nickel
282741,2827,Chloride oxides and chloride hydroxides; of copper
282749,2827,Chloride oxides and chloride hydroxides; other than of copper
282751,2827,Bromides; of sodium or of potassium
282759,2827,Bromides and bromide oxides; other than item no. 2827.51
282760,2827,Iodides and iodide oxides
2828,28,Hypochlorites; commercial calcium hypochlorite; chlorites; hypobromites
282810,2828,Hypochlorites; commercial calcium hypochlorite and other calcium hypochlorites
282890,2828,Hypochlorites; n.e.c. in heading no. 2828
2829,28,Chlorates and perchlorates; bromates and perbromates; iodates and periodates
282911,2829,Chlorates; of sodium
282919,2829,Chlorates; other than sodium
282990,2829,Perchlorates; bromates and perbromates; iodates and periodates
2830,28,Sulphides; polysulphides whether or not chemically defined
283010,2830,Sulphides; of sodium, whether or not chemically defined
283090,2830,Sulphides and polysulphides; whether or not chemically defined, other than sulphides of sodium
2831,28,Dithionites and sulphoxylates
283110,2831,Dithionites and sulphoxylates; of sodium
283190,2831,Dithionites and sulphoxylates; other than sodium
2832,28,Sulphites; thiosulphates
283210,2832,Sulphites; of sodium
283220,2832,Sulphites; other than of sodium
283230,2832,Thiosulphates
2833,28,Sulphates; alums; peroxosulphates (persulphates)
283311,2833,Sodium sulphates; disodium sulphate
283319,2833,Sodium sulphates; other than disodium sulphate
283321,2833,Sulphates; of magnesium
283322,2833,Sulphates; of aluminium
283324,2833,Sulphates; of nickel
283325,2833,Sulphates; of copper
283327,2833,Sulphates; of barium
283329,2833,Sulphates; n.e.c. in item no. 2833.2
283330,2833,Alums
283340,2833,Peroxosulphates (persulphates)
2834,28,Nitrites; nitrates
283410,2834,Nitrites
283421,2834,Nitrates; of potassium
283429,2834,Nitrates; of other than potassium
2835,28,Phosphinates (hypophosphites), phosphonates (phosphites), and phosphates; and polyphosphates, whether or not chemically defined
283510,2835,Phosphinates (hypophosphites) and phosphonates (phosphites), whether or not chemically defined
283522,2835,Phosphates; of mono- or disodium, whether or not chemically defined
283524,2835,Phosphates; of potassium, whether or not chemically defined
283525,2835,Phosphates; calcium hydrogenorthophosphate (dicalcium phosphate), whether or not chemically defined
283526,2835,Phosphates; of calcium n.e.c. in item no. 2835.25, whether or not chemically defined
283529,2835,Phosphates; (other than of mono- or disodium, other than of potassium or of calcium hydrogenorthophosphate (dicalcium phosphate) and excluding other phosphates of calcium), whether or not chemically defined
283531,2835,Polyphosphates; sodium triphosphate (sodium tripolyphosphate), whether or not chemically defined
283539,2835,Polyphosphates; other than sodium triphosphate (sodium tripolyphosphate), whether or not chemically defined
2836,28,Carbonates; peroxocarbonates (percarbonates); commercial ammonium carbonate containing ammonium carbamate
283620,2836,Carbonates; disodium carbonate
283630,2836,Carbonates; sodium hydrogen carbonate (sodium bicarbonate)
283640,2836,Carbonates; potassium carbonate
283650,2836,Carbonates; calcium carbonate
283660,2836,Carbonates; barium carbonate
283691,2836,Carbonates; lithium carbonate
283692,2836,Carbonates; strontium carbonate
283699,2836,Carbonates; n.e.c. in heading no. 2836 and other than lithium or strontium
2837,28,Cyanides, cyanide oxides and complex cyanides
283711,2837,Cyanides and cyanide oxides; of sodium
283719,2837,Cyanides and cyanide oxides; other than of sodium
283720,2837,Complex cyanides
2839,28,Silicates; commercial alkali metal silicates
283911,2839,Silicates; sodium metasilicates
283919,2839,Silicates; of sodium (excluding sodium metasilicates)
283990,2839,Silicates; commercial alkali metal silicates, other than of sodium
2840,28,Borates; peroxoborates (perborates)
284011,2840,Borates; disodium tetraborate (refined borax), anhydrous
284019,2840,Borates; disodium tetraborate (refined borax), other than anhydrous
284020,2840,Borates; n.e.c. in heading no. 2840
284030,2840,Peroxoborates (perborates)
2841,28,Salts of oxometallic or peroxometallic acids
284130,2841,Salts; sodium dichromate
284150,2841,Salts; chromates, dichromates, peroxochromates; n.e.c. in heading no. 2841
284161,2841,Salts; of oxometallic or peroxometallic acids, manganites, manganates and permanganates, potassium permanganate
284169,2841,Salts; of oxometallic or peroxometallic acids, manganites, manganates and permanganates, other than potassium permanganate
284170,2841,Salts; molybdates
284180,2841,Salts; tungstates (wolframates)
284190,2841,Salts of oxometallic or peroxometallic acids; n.e.c. in heading no. 2841
2842,28,Salts of inorganic acids or peroxoacids, n.e.c. including aluminosilicates whether or not chemically defined, but excluding azides
284210,2842,Salts of inorganic acids or peroxoacids, double or complex silicates, including aluminosilicates, whether or not chemically defined, excluding azides
284290,2842,Salts; of inorganic acids or peroxoacids, other than double or complex silicates, including aluminosilicates, whether or not chemically, excluding azides
2843,28,Colloidal precious metals; inorganic or organic compounds of precious metals, whether or not chemically defined; amalgams of precious metals
284310,2843,Colloidal precious metals; whether or not chemically defined
284321,2843,Silver compounds; silver nitrates
284329,2843,Silver compounds; excluding silver nitrates
284330,2843,Gold compounds
284390,2843,Inorganic or organic compounds of precious metals, n.e.c.; amalgams
2844,28,Radioactive chemical elements and radioactive isotopes (including the fissile or fertile chemical elements and isotopes); and their compounds; mixtures and residues containing these products
284410,2844,Uranium; natural uranium and its compounds, alloys, dispersions (including cermets), ceramic products and mixtures containing natural uranium or natural uranium compounds
284420,2844,Uranium; enriched in U235, plutonium, their compounds, alloys dispersions (including cermets), ceramic products and mixtures containing uranium enriched in U235, plutonium or compounds of these products
284430,2844,Uranium; depleted in U235, thorium, their compounds, alloys, dispersions (including cermets), ceramic products and mixtures containing uranium depleted in U235, thorium; compounds of these products
284441,2844,Radioactive elements; tritium and its compounds; alloys, dispersions (including cermets), ceramic products and mixtures containing tritium or its compounds
284442,2844,Radioactive elements; actinium-225, 227, californium-253, curium-240, 241, 242, 243, 244, einsteinium-253, 254, gadolinium-148, polonium-208, 209, 210, radium-223, uranium-230 or 232, compounds; alloys, dispersions, ceramic products and mixtures
284443,2844,Radioactive elements, isotopes and compounds; other alloys, dispersions (including cermets), ceramic products and mixtures containing these elements, isotopes or compounds
284444,2844,Radioactive elements, isotopes, compounds n.e.c. in heading no. 2844, alloys, dispersions (including cermets), ceramic products, mixtures containing the elements, isotopes, compounds; radioactive residues
284450,2844,Spent (irradiated) fuel elements (cartridges) of nuclear reactors
2845,28,Isotopes other than those of heading no. 2844; compounds, inorganic or organic, of such isotopes, whether or not chemically defined
284510,2845,Heavy water (deuterium oxide)
284520,2845,Boron enriched in boron-10 and its compounds
284530,2845,Lithium enriched in lithium-6 and its compounds
284540,2845,Helium-3
284590,2845,Isotopes other than those of heading no. 2844, 2845.20, 2845.30 or 2845.40; compounds, inorganic or organic, of such isotopes, whether or not chemically defined
2846,28,Compounds, inorganic or organic, of rare-earth metals; of yttrium or of scandium or of mixtures of these metals
284610,2846,Cerium compounds
284690,2846,Compounds, inorganic or organic (excluding cerium), of rare-earth metals, of yttrium, scandium or of mixtures of these metals
2847,28,Hydrogen peroxide; whether or not solidified with urea
284700,2847,Hydrogen peroxide; whether or not solidified with urea
2849,28,Carbides, whether or not chemically defined
284910,2849,Carbides; of calcium, whether or not chemically defined
284920,2849,Carbides; of silicon, whether or not chemically defined
284990,2849,Carbides; whether or not chemically defined, other than of calcium or silicon
2850,28,Hydrides, nitrides, azides, silicides and borides, whether or not chemically defined, other than compounds which are also carbides of heading no. 2849
285000,2850,Hydrides, nitrides, azides, silicides and borides, whether or not chemically defined, other than compounds which are also carbides of heading no. 2849
2852,28,Inorganic or organic compounds of mercury, excluding amalgams, whether or not chemically defined
285210,2852,Inorganic or organic compounds of mercury, excluding amalgams, chemically defined
285290,2852,Inorganic or organic compounds of mercury; excluding amalgams, not chemically defined,
2853,28,Phosphides, chemically defined or not, not ferrophosphorus; other inorganic compounds n.e.c. (including distilled, conductivity water and water of like purity); liquid air, rare gases removed or not; compressed air; amalgams, not precious metal amalgams
285310,2853,Inorganic compounds; cyanogen chloride (chlorcyan)
285390,2853,Phosphides, chemically defined or not, not ferrophosphorus; other inorganic compounds n.e.c. (including distilled, conductivity water and water of like purity); liquid air, rare gases removed or not; compressed air; amalgams, not precious metal amalgams
29,VI,Organic chemicals
2901,29,Acyclic hydrocarbons
290110,2901,Acyclic hydrocarbons; saturated
290121,2901,Acyclic hydrocarbons; unsaturated, ethylene
290122,2901,Acyclic hydrocarbons; unsaturated, propene (propylene)
290123,2901,Acyclic hydrocarbons; unsaturated, butene (butylene) and isomers thereof
290124,2901,Acyclic hydrocarbons; unsaturated, buta-1,3-diene and isoprene
290129,2901,Acyclic hydrocarbons; unsaturated, n.e.c. in heading no. 2901
2902,29,Cyclic hydrocarbons
290211,2902,Cyclic hydrocarbons; cyclohexane
290219,2902,Cyclic hydrocarbons; cyclanes, cyclenes and cycloterpenes, excluding cyclohexane
290220,2902,Cyclic hydrocarbons; benzene
290230,2902,Cyclic hydrocarbons; toluene
290241,2902,Cyclic hydrocarbons; o-xylene
290242,2902,Cyclic hydrocarbons; m-xylene
290243,2902,Cyclic hydrocarbons; p-xylene
290244,2902,Cyclic hydrocarbons; mixed xylene isomers
290250,2902,Cyclic hydrocarbons; styrene
290260,2902,Cyclic hydrocarbons; ethylbenzene
290270,2902,Cyclic hydrocarbons; cumene
290290,2902,Cyclic hydrocarbons; n.e.c. in heading no. 2902
2903,29,Halogenated derivatives of hydrocarbons
290311,2903,Saturated chlorinated derivatives of acyclic hydrocarbons; chloromethane (methyl chloride) and chloroethane (ethyl chloride)
290312,2903,Saturated chlorinated derivatives of acyclic hydrocarbons; dichloromethane (methylene chloride)
290313,2903,Saturated chlorinated derivatives of acyclic hydrocarbons; chloroform (trichloromethane)
290314,2903,Saturated chlorinated derivatives of acyclic hydrocarbons; carbon tetrachloride
290315,2903,Saturated chlorinated derivatives of acyclic hydrocarbons; ethylene dichloride (ISO) (1,2-dichloroethane)
290319,2903,Saturated chlorinated derivatives of acyclic hydrocarbons; n.e.c. in item no. 2903.1
290321,2903,Unsaturated chlorinated derivatives of acyclic hydrocarbons; vinyl chloride (chloroethylene)
290322,2903,Unsaturated chlorinated derivatives of acyclic hydrocarbons; trichloroethylene
290323,2903,Unsaturated chlorinated derivatives of acyclic hydrocarbons; tetrachloroethylene (perchloroethylene)
290329,2903,Unsaturated chlorinated derivatives of acyclic hydrocarbons; n.e.c. in item no. 2903.2
290341,2903,Saturated fluorinated derivatives of acyclic hydrocarbons; trifluoromethane (HFC-23)
290342,2903,Saturated fluorinated derivatives of acyclic hydrocarbons; difluoromethane (HFC-32)
290343,2903,Saturated fluorinated derivatives of acyclic hydrocarbons; fluoromethane (HFC-41), 1,2-difluoroethane (HFC-152) and 1,1-difluoroethane (HFC-152a)
290344,2903,Saturated fluorinated derivatives of acyclic hydrocarbons; pentafluoroethane (HFC-125), 1,1,1-trifluoroethane (HFC-143a) and 1,1,2-trifluoroethane (HFC-143)
290345,2903,Saturated fluorinated derivatives of acyclic hydrocarbons; 1,1,1,2-tetrafluoroethane (HFC-134a) and 1,1,2,2-tetrafluoroethane (HFC-134)
290346,2903,Saturated fluorinated derivatives of acyclic hydrocarbons; 1,1,1,2,3,3,3-heptafluoropropane (HFC-227ea), 1,1,1,2,2,3-hexafluoropropane (HFC-236cb), 1,1,1,2,3,3-hexafluoropropane (HFC-236ea) and 1,1,1,3,3,3-hexafluoropropane (HFC-236fa)
290347,2903,Saturated fluorinated derivatives of acyclic hydrocarbons; 1,1,1,3,3-pentafluoropropane (HFC-245fa) and 1,1,2,2,3-pentafluoropropane (HFC-245ca)
290348,2903,Saturated fluorinated derivatives of acyclic hydrocarbons; 1,1,1,3,3-pentafluorobutane (HFC-365mfc) and 1,1,1,2,2,3,4,5,5,5-decafluoropentane (HFC-43-10mee)
290349,2903,Saturated fluorinated derivatives of acyclic hydrocarbons; n.e.c. in item no 2903.4
290351,2903,Unsaturated fluorinated derivatives of acyclic hydrocarbons; 2,3,3,3-tetrafluoropropene (HFO-1234yf), 1,3,3,3-tetrafluoropropene (HFO-1234ze) and (Z)-1,1,1,4,4,4-hexafluoro-2-butene (HFO-1336mzz)
290359,2903,Unsaturated fluorinated derivatives of acyclic hydrocarbons; n.e.c. in item no. 2903.5
290361,2903,Brominated or iodinated derivatives of acyclic hydrocarbons; methyl bromide (bromomethane)
290362,2903,Brominated or iodinated derivatives of acyclic hydrocarbons; ethylene dibromide (ISO) (1,2-dibromoethane)
290369,2903,Brominated or iodinated derivatives of acyclic hydrocarbons; n.e.c. in item no. 2903.6
290371,2903,Halogenated derivatives of acyclic hydrocarbons containing two or more different halogens; chlorodifluoromethane (HCFC-22)
290372,2903,Halogenated derivatives of acyclic hydrocarbons containing two or more different halogens; dichlorotrifluoroethane (HCFC-123)
290373,2903,Halogenated derivatives of acyclic hydrocarbons containing two or more different halogens; dichlorofluoroethanes (HCFC-141, 141b)
290374,2903,Halogenated derivatives of acyclic hydrocarbons containing two or more different halogens; chlorodifluoroethanes HCFC-142, 142b)
290375,2903,Halogenated derivatives of acyclic hydrocarbons containing two or more different halogens; dichloropentafluoropropanes (HCFC-225, 225ca, 225cb)
290376,2903,Halogenated derivatives of acyclic hydrocarbons containing two or more different halogens; bromochlorodifluoromethane (Halon-1211), bromotrifluoromethane (Halon-1301), and dibromotetrafluoroethanes (Halon-2402)
290377,2903,Halogenated derivatives of acyclic hydrocarbons containing two or more different halogens; n.e.c. in headings 290371 to 290376, perhalogenated only with fluorine and chlorine
290378,2903,Halogenated derivatives of acyclic hydrocarbons containing two or more different halogens; perhalogenated derivatives, other than those only with fluorine and chlorine, n.e.c. in item no. 2903.71 to 2903.76
290379,2903,Halogenated derivatives of acyclic hydrocarbons containing two or more different halogens; n.e.c. in item no. 2903.7
290381,2903,Halogenated derivatives of cyclanic, cyclenic or cycloterpenic hydrocarbons; 1,2,3,4,5,6-Hexachlorocyclohexane (HCH (ISO)), including lindane (ISO, INN)
290382,2903,Halogenated derivatives of cyclanic, cyclenic or cycloterpenic hydrocarbons; aldrin (ISO), chlordane (ISO), and heptachlor (ISO)
290383,2903,Halogenated derivatives of cyclanic, cyclenic or cycloterpenic hydrocarbons; mirex (ISO)
290389,2903,Halogenated derivatives of cyclanic, cyclenic or cycloterpenic hydrocarbons; n.e.c. in item no. 2903.8
290391,2903,Halogenated derivatives of aromatic hydrocarbons; chlorobenzene, o-dichlorobenzene, and p-dichlorobenzene
290392,2903,Halogenated derivatives of aromatic hydrocarbons; hexachlorobenzene (ISO) and DDT (ISO) (clofenotane (INN), and 1,1,1-trichloro-2,2-bis(p-chlorophenyl)ethane)
290393,2903,Halogenated derivatives of aromatic hydrocarbons; pentachlorobenzene (ISO)
290394,2903,Halogenated derivatives of aromatic hydrocarbons; hexabromobiphenyls
290399,2903,Halogenated derivatives of aromatic hydrocarbons; n.e.c. in item no. 2903.91, 2903.92, 2903.93 and 2903.94
2904,29,Sulphonated, nitrated or nitrosated derivatives of hydrocarbons; whether or not halogenated
290410,2904,Derivatives of hydrocarbons; containing only sulpho groups, their salts and ethyl esters, whether or not halogenated
290420,2904,Derivatives of hydrocarbons; containing only nitro or only nitroso groups, whether or not halogenated
290431,2904,Derivatives of hydrocarbons; perfluorooctane sulphonic acid, whether or not halogenated
290432,2904,Derivatives of hydrocarbons; ammonium perfluorooctane sulphonate, whether or not halogenated
290433,2904,Derivatives of hydrocarbons; lithium perfluorooctane sulphonate, whether or not halogenated
290434,2904,Derivatives of hydrocarbons; potassium perfluorooctane sulphonate, whether or not halogenated
290435,2904,Derivatives of hydrocarbons; salts of perfluorooctane sulphonic acid n.e.c in heading no. 2904, whether or not halogenated
290436,2904,Derivatives of hydrocarbons; perfluorooctane sulphonyl fluoride, whether or not halogenated
290491,2904,Derivatives of hydrocarbons; trichloronitromethane (chloropicrin), whether or not halogenated
290499,2904,Derivatives of hydrocarbons n.e.c. in heading no. 2904, whether or not halogenated
2905,29,Acyclic alcohols and their halogenated, sulphonated, nitrated or nitrosated derivatives
290511,2905,Alcohols; saturated monohydric, methanol (methyl alcohol)
290512,2905,Alcohols; saturated monohydric, propan-1-ol (propyl alcohol) and propan-2-ol (isopropyl alcohol)
290513,2905,Alcohols; saturated monohydric, butan-1-ol (n-butyl alcohol)
290514,2905,Alcohols; saturated monohydric, butanols excluding item no. 2905.13
290516,2905,Alcohols; saturated monohydric, octanol (octyl alcohol) and isomers thereof
290517,2905,Alcohols; saturated monohydric, dodecan-1-ol (lauryl alcohol), hexadecan-1-ol (cetyl alcohol) and octadecan-1-ol (stearyl alcohol)
290519,2905,Alcohols; saturated monohydric, n.e.c. in item no. 2905.1
290522,2905,Alcohols; unsaturated monohydric, acyclic terpene alcohols
290529,2905,Alcohols; acyclic, unsaturated monohydric, (other than acyclic terpene alcohols)
290531,2905,Alcohols; acyclic, diols; ethylene glycol (ethanediol)
290532,2905,Alcohols; acyclic, diols; propylene glycol (propane-1, 2-diol)
290539,2905,Alcohols; acyclic, diols, other than ethylene glycol (ethandiol) or propylene glycol (propane-1,2-diol)
290541,2905,Alcohols; polyhydric, 2-ethyl-2- (hydroxymethyl) propane-1,3-diol (trimethylolpropane)
290542,2905,Alcohols; polyhydric, pentaerythritol
290543,2905,Alcohols; polyhydric, mannitol
290544,2905,Alcohols; polyhydric, d-glucitol (sorbitol)
290545,2905,Alcohols; polyhydric, glycerol
290549,2905,Alcohols; polyhydric, n.e.c. in item no. 2905.4
290551,2905,Alcohols; acyclic; halogenated, sulphonated, nitrated or nitrosated derivatives thereof, ethchlorvynol (INN)
290559,2905,Alcohols; acyclic; halogenated, sulphonated, nitrated or nitrosated derivatives thereof, other than ethchlorvynol (INN)
2906,29,Alcohols; cyclic, and their halogenated, sulphonated, nitrated or nitrosated derivatives
290611,2906,Alcohols; cyclanic, cyclenic or cycloterpenic and derivatives, menthol
290612,2906,Alcohols; cyclanic, cyclenic or cycloterpenic and derivatives, cyclohexanol, methylcyclohexanols and dimethylcyclohexanols
290613,2906,Alcohols; cyclanic, cyclenic or cycloterpenic and derivatives, sterols and inositols
290619,2906,Alcohols; cyclanic, cyclenic or cycloterpenic and derivatives, n.e.c. in item no. 2906.1
290621,2906,Alcohols; aromatic alcohols and derivatives, benzyl alcohol
290629,2906,Alcohols; aromatic and derivatives, other than benzyl alcohol
2907,29,Phenols; monophenols, polyphenols, and phenol-alcohols
290711,2907,Monophenols; phenol (hydroxybenzene) and its salts
290712,2907,Monophenols; cresols and their salts
290713,2907,Monophenols; octylphenol, nonylphenol and their isomers, salts thereof
290715,2907,Monophenols; naphthols and their salts
290719,2907,Monophenols; n.e.c. in item no. 2907.1
290721,2907,Polyphenols; resorcinol and its salts
290722,2907,Polyphenols; hydroquinone (quinol) and its salts
290723,2907,Polyphenols; 4,4'-isopropylidenediphenol (bisphenol A, diphenylolpropane) and its salts
290729,2907,Phenol-alcohols and polyphenols n.e.c. in item number 2907.2
2908,29,Phenols or phenol-alcohols; halogenated, sulphonated, nitrated or nitrosated derivatives
290811,2908,Phenol or phenol-alcohol derivatives containing only halogen substituents and their salts; pentachlorophenol (ISO)
290819,2908,Phenol or phenol-alcohol derivatives containing only halogen substituents and their salts; other than pentachlorophenol (ISO)
290891,2908,Phenol or phenol-alcohol derivatives, sulphonated, nitrated or nitrosated derivatives thereof; dinoseb (ISO) and its salts
290892,2908,Phenol or phenol-alcohol derivatives, sulphonated, nitrated or nitrosated derivatives thereof; 4,6-dinitro-o-cresol (DNOC (ISO)) and its salts
290899,2908,Phenol or phenol-alcohol derivatives, sulphonated, nitrated or nitrosated derivatives thereof; other than dinoseb (ISO), and 4,6-dinitro-o-cresol (DNOC (ISO)), and their salts
2909,29,Ethers, ether-alcohols, ether-phenols, ether-alcohol-phenols, alcohol peroxides, ether peroxides, acetal and hemiacetal peroxides, ketone peroxides (chemically defined or not), and their halogenated, sulphonated, nitrated or nitrosated derivatives
290911,2909,Ethers; acyclic, and their halogenated, sulphonated, nitrated or nitrosated derivatives, diethyl ether
290919,2909,Ethers; acyclic, and their halogenated, sulphonated, nitrated or nitrosated derivatives, other than diethyl ether
290920,2909,Ethers; cyclanic, cyclenic or cycloterpenic and their halogenated, sulphonated, nitrated or nitrosated derivatives
290930,2909,Ethers; aromatic, and their halogenated, sulphonated, nitrated or nitrosated derivatives
290941,2909,Ether-alcohols and their halogenated, sulphonated, nitrated or nitrosated derivatives; 2,2-oxydiethanol (diethylene glycol, digol)
290943,2909,Ether-alcohols and their halogenated, sulphonated, nitrated or nitrosated derivatives; monobutyl ethers of ethylene glycol or of diethylene glycol
290944,2909,Ether-alcohols and their halogenated, sulphonated, nitrated or nitrosated derivatives; monoalkylethers of ethylene glycol or of diethylene glycol n.e.c. in heading no. 2909
290949,2909,Ether-alcohols and their halogenated, sulphonated, nitrated or nitrosated derivatives; n.e.c. in item no. 2909.4
290950,2909,Ether-phenols, ether-alcohol-phenols and their halogenated, sulphonated, nitrated or nitrosated derivatives
290960,2909,Alcohol peroxides, ether peroxides, acetal and hemiacetal peroxides, ketone peroxides and their halogenated, sulphonated, nitrated or nitrosated derivatives
2910,29,Epoxides, epoxyalcohols, epoxyphenols and epoxyethers; with a three-membered ring and their halogenated, sulphonated, nitrated or nitrosated derivatives
291010,2910,Epoxides, epoxyalcohols, epoxyphenols and epoxyethers; with a three-membered ring and their halogenated, sulphonated, nitrated or nitrosated derivatives; oxirane (ethylene oxide)
291020,2910,Epoxides, epoxyalcohols, epoxyphenols and epoxyethers; with a three-membered ring and their halogenated, sulphonated, nitrated or nitrosated derivatives, methyloxirane (propylene oxide)
291030,2910,Epoxides, epoxyalcohols, epoxyphenols and epoxyethers; with a three-membered ring and their halogenated, sulphonated, nitrated or nitrosated derivatives, 1-chloro-2,3-epoxypropane (epichlorohydrin)
291040,2910,Epoxides, epoxyalcohols, epoxyphenols and epoxyethers; with a three-membered ring and their halogenated, sulphonated, nitrated or nitrosated derivatives, dieldrin (ISO, INN)
291050,2910,Epoxides, epoxyalcohols, epoxyphenols and epoxyethers; with a three-membered ring and their halogenated, sulphonated, nitrated or nitrosated derivatives, endrin (ISO)
291090,2910,Epoxides, epoxyalcohols, epoxyphenols and epoxyethers; with a three-membered ring and their halogenated, sulphonated, nitrated or nitrosated derivatives, n.e.c. in heading no. 2910
2911,29,Acetals and hemiacetals; whether or not with other oxygen function, and their halogenated, sulphonated, nitrated or nitrostated derivatives
291100,2911,Acetals and hemiacetals; whether or not with other oxygen function, and their halogenated, sulphonated, nitrated or nitrosated derivatives
2912,29,Aldehydes, whether or not with other oxygen function; cyclic polymers of aldehydes; paraformaldehyde
291211,2912,Aldehydes; acyclic, without other oxygen function, methanal (formaldehyde)
291212,2912,Aldehydes; acyclic, without other oxygen function, ethanal (acetaldehyde)
291219,2912,Aldehydes; acyclic, without other oxygen function, n.e.c. in item no. 2912.1
291221,2912,Aldehydes; cyclic, without other oxygen function, benzaldehyde
291229,2912,Aldehydes; cyclic, without other oxygen function, other than benzaldehyde
291241,2912,Aldehydes; aldehyde-ethers, aldehyde-phenols and aldehydes with other oxygen function, vanillin (4-hydroxy-3-methoxybenzaldehyde)
291242,2912,Aldehydes; aldehyde-ethers, aldehyde-phenols and aldehydes with other oxygen function, ethylvanillin (3-ethoxy-4-hydroxybenzaldehyde)
291249,2912,Aldehyde-alcohols, aldehyde-ethers, aldehyde-phenols and aldehydes with other oxygen function; other than vanillin (4-hydroxy-3-methoxybenzaldehyde) and ethylvanillin (3-ethoxy-4-hydroxybenzaldehyde)
291250,2912,Aldehydes; cyclic polymers of aldehydes
291260,2912,Paraformaldehyde
2913,29,Aldehydes; halogenated, sulphonated, nitrated or nitrosated derivatives of products of heading no. 2912
291300,2913,Aldehydes; halogenated, sulphonated, nitrated or nitrosated derivatives of products of heading no. 2912
2914,29,Ketones and quinones; whether or not with other oxygen function, and their halogenated, sulphonated, nitrated or nitrostated derivatives
291411,2914,Ketones; acyclic, without other oxygen function, acetone
291412,2914,Ketones; acyclic, without other oxygen function, butanone (methyl ethyl ketone)
291413,2914,Ketones; acyclic, without other oxygen function, 4-methylpentan-2-one (methyl isobutyl ketone)
291419,2914,Ketones; acyclic, without other oxygen function, n.e.c. in item no. 2914.1
291422,2914,Ketones; cyclanic, cyclenic or cycloterpenic, without other oxygen function, cyclohexanone and methylcyclohexanones
291423,2914,Ketones; cyclanic, cyclenic or cycloterpenic, without other oxygen function, ionones and methylionones
291429,2914,Ketones; cyclanic, cyclenic or cycloterpenic, without other oxygen function, other than cyclohexanone, methylcyclohexanones, ionones, and methylionones
291431,2914,Ketones; aromatic, (without other oxygen function), phenylacetone (phenylpropan-2-one)
291439,2914,Ketones; aromatic, (without other oxygen function), excluding phenylacetone (phenylpropan-2-one)
291440,2914,Ketone-alcohols and ketone-aldehydes
291450,2914,Ketone-phenols and ketones with other oxygen function
291461,2914,Quinones; anthraquinone
291462,2914,Quinones; coenzyme Q10 (ubidecarenone (INN))
291469,2914,Quinones; other than anthraquinone and coenzyme Q10 (ubidecarenone (INN))
291471,2914,Ketones and quinones; halogenated, sulphonated, nitrated or nitrosated derivatives; chlordecone (ISO)
291479,2914,Ketones and quinones; halogenated, sulphonated, nitrated or nitrosated derivatives, other than chlordecone (ISO)
2915,29,Acids; saturated acyclic monocarboxylic acids and their anhydrides, halides, peroxides and peroxyacids; their halogenated, sulphonated, nitrated or nitrosated derivatives
291511,2915,Acids; saturated acyclic monocarboxylic acids; formic acid
291512,2915,Acids; saturated acyclic monocarboxylic acids; salts of formic acids
291513,2915,Acids; saturated acyclic monocarboxylic acids; esters of formic acid
291521,2915,Acids; saturated acyclic monocarboxylic acids; acetic acid
291524,2915,Acids; saturated acyclic monocarboxylic acids; acetic anhydride
291529,2915,Acids; saturated acyclic monocarboxylic acids; acetic acid and its salts n.e.c. in item no. 2915.2
291531,2915,Acids; saturated acyclic monocarboxylic acids; ethyl acetate
291532,2915,Acids; saturated acyclic monocarboxylic acids; vinyl acetate
291533,2915,Acids; saturated acyclic monocarboxylic acids; n-butyl acetate
291536,2915,Acids; saturated acyclic monocarboxylic acids; dinoseb (ISO) acetate
291539,2915,Acids; saturated acyclic monocarboxylic acids; esters of acetic acid n.e.c. in item no. 2915.3
291540,2915,Acids; saturated acyclic monocarboxylic acids; mono-, di- or trichloroacetic acids, their salts and esters
291550,2915,Acids; saturated acyclic monocarboxylic acids; propionic acid, its salts and esters
291560,2915,Acids; saturated acyclic monocarboxylic acids; butanoic acids, pentanoic acids, their salts and esters
291570,2915,Acids; saturated acyclic monocarboxylic acids; palmitic acid, stearic acid, their salts and esters
291590,2915,Acids; saturated acyclic monocarboxylic acids; anhydrides, halides, peroxides, peroxyacids and halogenated, sulphonated, nitrated or nitrosated derivatives, n.e.c. in heading no. 2915
2916,29,Acids; unsaturated acyclic monocarboxylic, cyclic monocarboxylic, their anhydrides, halides, peroxides and peroxyacids; their halogenated, sulphonated, nitrated or nitrosated derivatives
291611,2916,Acids; unsaturated acyclic monocarboxylic acids; acrylic acid and its salts
291612,2916,Acids; unsaturated acyclic monocarboxylic acids; esters of acrylic acid
291613,2916,Acids; unsaturated acyclic monocarboxylic acids; methacrylic acid and its salts
291614,2916,Acids; unsaturated acyclic monocarboxylic acids; esters of methacrylic acid
291615,2916,Acids; unsaturated acyclic monocarboxylic acids; oleic, linoleic or linolenic acids, their salts and esters
291616,2916,Acids; unsaturated acyclic monocarboxylic, cyclic monocarboxylic, their anhydrides, halides, peroxides and peroxyacids; their halogenated, sulphonated, nitrated or nitrosated derivatives, binapacryl (ISO)
291619,2916,Acids; unsaturated acyclic monocarboxylic, cyclic monocarboxylic, their anhydrides, halides, peroxides and peroxyacids; their halogenated, sulphonated, nitrated or nitrosated derivatives, n.e.c. in item no. 2916.1
291620,2916,Acids; cyclanic, cyclenic or cycloterpenic monocarboxylic acids, their anhydrides, halides, peroxides, peroxyacids and their derivatives
291631,2916,Acids; aromatic monocarboxylic acids, benzoic acid, its salts and esters
291632,2916,Acids; aromatic monocarboxylic acids, benzoyl peroxide and benzoyl chloride
291634,2916,Acids; aromatic monocarboxylic acids, phenylacetic acid and its salts
291639,2916,Acids; aromatic monocarboxylic acids, and their anhydrides, halides, peroxides, peroxyacids and their derivatives, other than benzoic acid, its salts and esters, benzoyl peroxide and benzoyl chloride, phenylacetic acid and its salts
2917,29,Acids; polycarboxylic acids, their anhydrides, halides, peroxides and peroxy-acids; their halogenated, sulphonated, nitrated or nitrosated derivatives
291711,2917,Acids; acyclic polycarboxylic acids; oxalic acid, its salts and esters
291712,2917,Acids; acyclic polycarboxylic acids; adipic acid, its salts and esters
291713,2917,Acids; acyclic polycarboxylic acids; azelaic acid, sebacic acid, their salts and esters
291714,2917,Acids; acyclic polycarboxylic acids; maleic anhydride
291719,2917,Acids; acyclic polycarboxylic acids; n.e.c. in item no. 2917.1
291720,2917,Acids; cyclanic, cyclenic or cycloterpenic polycarboxylic acids, their anhydrides, halides, peroxides, peroxyacids and derivatives
291732,2917,Acids; aromatic polycarboxylic acids; dioctyl orthophthalates
291733,2917,Acids; aromatic polycarboxylic acids; dinonyl or didecyl orthophthalates
291734,2917,Acids; aromatic polycarboxylic acids; other esters of orthophthalic acids
291735,2917,Acids; aromatic polycarboxylic acids; phthalic anhydride
291736,2917,Acids; aromatic polycarboxylic acids; terephthalic acid and its salts
291737,2917,Acids; aromatic polycarboxylic acids; dimethyl terephthalate
291739,2917,Acids; aromatic polycarboxylic acids; n.e.c. in item no. 2917.3
2918,29,Acids; carboxylic acid with additional oxygen function and their anhydrides, halides, peroxides, peroxyacids; their halogenated, sulphonated, nitrated or nitrosated derivatives
291811,2918,Acids; carboxylic acids, (with alcohol function but without other oxygen function), lactic acid, its salts and esters
291812,2918,Acids; carboxylic acids, (with alcohol function but without other oxygen function), tartaric acid
291813,2918,Acids; carboxylic acids, (with alcohol function but without other oxygen function); salts and esters of tartaric acid
291814,2918,Acids; carboxylic acids, (with alcohol function but without other oxygen function), citric acid
291815,2918,Acids; carboxylic acids, (with alcohol function but without other oxygen function), salts and esters of citric acid
291816,2918,Acids; carboxylic acids, (with alcohol function but without other oxygen function), gluconic acid, its salts and esters
291817,2918,Acids; carboxylic acids, (with alcohol function but without other oxygen function), 2,2-Diphenyl-2-hydroxyacetic acid (benzilic acid)
291818,2918,Acids; carboxylic acids, (with alcohol function but without other oxygen function), chlorobenzilate (ISO)
291819,2918,Acids; carboxylic acids, (with alcohol function but without other oxygen function), other than lactic, tartaric, citric, and gluconic acids and their salts and esters
291821,2918,Acids; carboxylic acids, (with phenol function but without other oxygen function), salicylic acid and its salts
291822,2918,Acids; carboxylic acids, (with phenol function but without other oxygen function), o-acetylsalicylic acid, its salts and esters
291823,2918,Acids; carboxylic acids, (with phenol function but without other oxygen function), other esters of salicylic acid and its salts n.e.c. in item no. 2918.2
291829,2918,Acids; carboxylic acids, (with phenol function but without other oxygen function), their anhydrides, halides, peroxides, peroxyacids and their derivatives, n.e.c. in item no. 2918.2
291830,2918,Acids; carboxylic acids, (with aldehyde or ketone function but without other oxygen function), their anhydrides, halides, peroxides, peroxyacids and their derivatives
291891,2918,Acids; carboxylic acids, with additional oxygen function (not alcohol, phenol, aldehyde or ketone) and their anhydrides, halides, peroxides and peroxyacids; 2,4,5-T (ISO) (2,4,5-trichlorophenoxyacetic acid), its salts and esters
291899,2918,Acids; carboxylic acids, with additional oxygen function (not alcohol, phenol, aldehyde or ketone) and their anhydrides, halides, peroxides and peroxyacids; their halogenated, sulphonated, nitrated or nitrosated derivatives; other than 2,4,5-T (ISO)
2919,29,Esters; phosphoric, and their salts, including lactophosphates, their halogenated, sulphonated, nitrated or nitrosated derivatives
291910,2919,Esters; phosphoric, and their salts, including lactophosphates, their halogenated, sulphonated, nitrated or nitrosated derivatives; tris(2,3-dibromopropyl) phosphate
291990,2919,Esters; phosphoric, and their salts, including lactophosphates, their halogenated, sulphonated, nitrated or nitrosated derivatives; other than tris(2,3-dibromopropyl) phosphate
2920,29,Esters of other inorganic acids of non-metals (other than of hydrogen halides) and their salts, their halogenated, sulphonated, nitrated or nitrosated derivatives
292011,2920,Esters; thiophosphoric esters (phosphorothioates) and their salts, their halogenated, sulphonated, nitrated or nitrosated derivatives, parathion (ISO) and parathion-methyl (ISO) (methyl-parathion)
292019,2920,Esters; thiophosphoric esters (phosphorothioates) and their salts; other than parathion (ISO) and parathion-methyl (ISO) (methyl-parathion)
292021,2920,Esters; phosphite esters and their salts; their halogenated, sulphonated, nitrated or nitrosated derivatives, dimethyl phosphite
292022,2920,Esters; phosphite esters and their salts; their halogenated, sulphonated, nitrated or nitrosated derivatives, diethyl phosphite
292023,2920,Esters; phosphite esters and their salts; their halogenated, sulphonated, nitrated or nitrosated derivatives, trimethyl phosphite
292024,2920,Esters; phosphite esters and their salts; their halogenated, sulphonated, nitrated or nitrosated derivatives, triethyl phosphite
292029,2920,Esters; phosphite esters and their salts; their halogenated, sulphonated, nitrated or nitrosated derivatives, n.e.c. in heading no. 2920
292030,2920,Esters; of other inorganic acids of non-metals (excluding esters of hydrogen halides) and their salts; their halogenated, sulphonated, nitrated or nitrosated derivatives, endosulfan (ISO)
292090,2920,Esters; other than thiophosphoric esters (phosphorothioates) and phosphite esters and their salts, their halogenated, sulphonated, nitrated or nitrosated derivatives, n.e.c. in heading no. 2920
2921,29,Amine-function compounds
292111,2921,Amine-function compounds; acyclic monoamines and their derivatives, methylamine, di- or trimethylamine and their salts
292112,2921,Amine-function compounds; acyclic monoamines and their derivatives, and salts thereof, 2-(N,N-Dimethylamino)ethylchloride hydrochloride
292113,2921,Amine-function compounds; acyclic monoamines and their derivatives, and salts thereof, 2-(N,N-Diethylamino)ethylchloride hydrochloride
292114,2921,Amine-function compounds; acyclic monoamines and their derivatives, and salts thereof, 2-(N,N-Diisopropylamino)ethylchloride hydrochloride
292119,2921,Amine-function compounds; acyclic monoamines and their derivatives, and salts thereof, n.e.c. in item no. 2921.1
292121,2921,Amine-function compounds; acyclic polyamines and their derivatives, ethylenediamine and its salts
292122,2921,Amine-function compounds; acyclic polyamines and their derivatives, hexamethylenediamine and its salts
292129,2921,Amine-function compounds; acyclic polyamines and their derivatives, and salts thereof, n.e.c. in item no. 2921.2
292130,2921,Amine-function compounds; cyclanic, cyclenic or cycloterpenic mono- or polyamines and their derivatives; salts thereof
292141,2921,Amine-function compounds; aromatic monoamines and their derivatives, aniline and its salts
292142,2921,Amine-function-compounds; aromatic monoamines and their derivatives, aniline derivatives and their salts
292143,2921,Amine-function compounds; aromatic monoamines and their derivatives, toluidines and their derivatives; salts thereof
292144,2921,Amine-function compounds; aromatic monoamines and their derivatives, diphenylamine and its derivatives; salts thereof
292145,2921,Amine-function compounds; aromatic monoamines and their derivatives; 1-naphthylamine (alpha-naphthylamine), 2-naphthylamine (beta-naphthaylamine) and their derivatives; salts thereof
292146,2921,Amine-function compounds; aromatic monoamines and derivatives; amfetamine (INN), benzfetamine (INN), dexamfetamine (INN), etilamfetamine (INN), fencamfamin (INN), lefetamine (INN), levamfetamine (INN), mefenorex (INN) and phentermine (INN); salts thereof
292149,2921,Amine-function compounds; aromatic monoamines and their derivatives; salts thereof; n.e.c. in item no. 2921.4
292151,2921,Amine-function compounds; aromatic amines and their derivatives; o-, m-, p-phenylenediamine, diaminotoluenes and their derivatives; salts thereof
292159,2921,Amine-function compounds; aromatic polyamines and their derivatives, other than item no. 2921.51
2922,29,Oxygen-function amino-compounds
292211,2922,Amino-alcohols, other than those containing more than one kind of oxygen function; their ethers and esters; salts thereof, monoethanolamine and its salts
292212,2922,Amino-alcohols, other than those containing more than one kind of oxygen function; their ethers and esters; salts thereof, diethanolamine and its salts
292214,2922,Amino-alcohols, other than those containing more than one kind of oxygen function; their ethers and esters; salts thereof; dextropropoxyphene (INN) and its salts
292215,2922,Amino-alcohols, other than those containing more than one kind of oxygen function; their ethers and esters; salts thereof, triethanolamine
292216,2922,Amino-alcohols, other than those containing more than one kind of oxygen function; their ethers and esters; salts thereof, Diethanolammonium perfluorooctane sulphonate
292217,2922,Amino-alcohols, other than those containing more than one kind of oxygen function; their ethers and esters; salts thereof, Methyldiethanolamine and ethyldiethanolamine
292218,2922,Amino-alcohols, other than those containing more than one kind of oxygen function; their ethers and esters; salts thereof, 2-(N,N- Diisopropylamino)ethanol
292219,2922,Amino-alcohols, other than those containing more than one kind of oxygen function, their ethers and esters; salts thereof, n.e.c. in item no. 2922.1
292221,2922,Amino-naphthols and other amino-phenols, other than those containing more than one kind of oxygen function; their ethers and esters; salts thereof, aminohydroxynaphthalenesulphonic acids and their salts
292229,2922,Amino-naphthols and other amino-phenols, other than those containing more than one kind of oxygen function, their ethers and esters; salts thereof n.e.c. in item no. 2922.2
292231,2922,Amino-aldehydes, amino-ketones and amino-quinones; other than those containing more than one kind of oxygen function, salts thereof
292239,2922,Amino-aldehydes, amino-ketones and amino-quinones; other than those containing more than one kind of oxygen function; salts thereof, excluding amfepramone (INN), methadone (INN), and normethadone (INN) and salts thereof
292241,2922,Amino-acids, other than those containing more than one kind of oxygen function, and their esters; lysine and its esters; salts thereof
292242,2922,Amino-acids, other than those containing more than one kind of oxygen function, and their esters; glutamic acid and its esters; salts thereof
292243,2922,Amino-acids, other than those containing more than one kind of oxygen function, and their esters; anthranilic acid and its esters; salts thereof
292244,2922,Amino-acids, other than those containing more than one kind of oxygen function, and their esters; tilidine (INN) and its esters; salts thereof
292249,2922,Amino-acids, other than those containing more than one kind of oxygen function, their esters; salts thereof, excluding lysine, glutamic acid, anthranalic acid and tilidine, their esters and salts thereof
292250,2922,Amino-alcohol-phenols, amino-acid-phenols and other amino-compounds with oxygen function
2923,29,Quaternary ammonium salts and hydroxides; lecithins and other phosphoaminolipids, whether or not chemically defined
292310,2923,Quaternary ammonium salts and hydroxides; choline and its salts, whether or not chemically defined
292320,2923,Lecithins and other phosphoaminolipids, whether or not chemically defined
292330,2923,Quaternary ammonium salts and hydroxides; tetraethylammonium perfluorooctane sulphonate, whether or not chemically defined
292340,2923,Quaternary ammonium salts and hydroxides; didecyldimethylammonium perfluorooctane sulphonate, whether or not chemically defined
292390,2923,Quaternary ammonium salts and hydroxides; whether or not chemically defined n.e.c. in heading no. 2923
2924,29,Carboxyamide-function compounds; amide-function compounds of carbonic acid
292411,2924,Acyclic amides (including acyclic carbamates) and their derivatives; salts thereof; meprobamate (INN)
292412,2924,Acyclic amides (including acyclic carbamates) and their derivatives; salts thereof; fluoroacetamide (ISO), monocrotophos (ISO) and phosphamidon (ISO)
292419,2924,Acyclic amides (including acyclic carbamates) and their derivatives; salts thereof, other than meprobamate (INN), fluoroacetamide (ISO), monocrotophos (ISO) or phosphamidon (ISO)
292421,2924,Cyclic amides (including cyclic carbamates) and their derivatives, ureines and their derivatives; salts thereof
292423,2924,Cyclic amides (including cyclic carbamates) and their derivatives; 2-acetamidobenzoic acid (N-acetylanthranillic acid) and its salts
292424,2924,Cyclic amides (including cyclic carbamates) and their derivatives; ethinamate and its salts
292425,2924,Cyclic amides (including cyclic carbamates) and their derivatives; alachlor (ISO) and its salts
292429,2924,Cyclic amides (including cyclic carbamates) and their derivatives; other than the derivatives and salts of ureines, 2-acetamidobenzoic acid (N-acetylanthancillic acid),ethinamate S, and alachlor (ISO) and their derivatives and salts
2925,29,Carboxyimide-function compounds (including saccharin and its salts) and imine-function compounds
292511,2925,Imides and their derivatives; saccharin and its salts
292512,2925,Imides and their derivatives; glutethimide (INN)
292519,2925,Imides and their derivatives; other than saccharin and glutethimide (INN)
292521,2925,Imines and their derivatives; salts thereof; chlordimeform (ISO)
292529,2925,Imines and their derivatives; salts thereof; other than chlordimeform (ISO)
2926,29,Nitrile-function compounds
292610,2926,Nitrile-function compounds; acrylonitrile
292620,2926,Nitrile-function compounds; 1-cyanoguanidine (dicyandiamide)
292630,2926,Nitrile-function compounds; fenproporex (INN) and its salts; methadone (INN) intermediate (4-cyano-2-dimethylamino-4,4-diphenylbutane)
292640,2926,Nitrile-function compounds; alpha-phenylacetoacetonitrile
292690,2926,Nitrile-function compounds; n.e.c. heading no. 2926
2927,29,Diazo-, azo- or azoxy-compounds
292700,2927,Diazo-, azo- or azoxy compounds
2928,29,Organic derivatives of hydrazine or of hydroxylamine
292800,2928,Organic derivatives of hydrazine or of hydroxylamine
2929,29,Nitrogen-function compounds, n.e.c. in chapter 29
292910,2929,Nitrogen-function compounds; n.e.c. in chapter 29, isocyanates
292990,2929,Nitrogen-function compounds; n.e.c. in chapter 29, excluding isocyanates
2930,29,Organo-sulphur compounds
293010,2930,Organo-sulphur compounds; 2-(N,N-Diethylamino) ethanethiol
293020,2930,Organo-sulphur compounds; thiocarbamates and dithiocarbamates
293030,2930,Organo-sulphur compounds; thiuram mono-, di- or tetrasulphides
293040,2930,Organo-sulphur compounds; methionine
293060,2930,Organo-sulphur compounds; 2-(N,N-Diethylamino)ethanethiol
293070,2930,Organo-sulphur compounds; bis(2-hydroxyethyl)sulfide (thiodiglycol (INN))
293080,2930,Organo-sulphur compounds; aldicarb (ISO), captafol (ISO) and methamidophos (ISO)
293090,2930,Organo-sulphur compounds; n.e.c. in heading no. 2930
2931,29,Other organo-inorganic compounds
293110,2931,Organo-inorganic compounds; tetramethyl lead and tetraethyl lead
293120,2931,Organo-inorganic compounds; tributyltin compounds
293141,2931,Non-halogenated organo-phosphorous derivatives; dimethyl methylphosphonate
293142,2931,Non-halogenated organo-phosphorous derivatives; dimethyl propylphosphonate
293143,2931,Non-halogenated organo-phosphorous derivatives; diethyl ethylphosphonate
293144,2931,Non-halogenated organo-phosphorous derivatives; methylphosphonic acid
293145,2931,Non-halogenated organo-phosphorous derivatives; salt of methylphosphonic acid and (aminominomethyl) urea (1:1)
293146,2931,Non-halogenated organo-phosphorous derivatives; 2,4,6-tripropyl-1,3,5,2,4,6-trioxatriphosphinane 2,4,6-trioxide
293147,2931,Non-halogenated organo-phosphorous derivatives; (5-ethyl-2-methyl-2-oxido-1,3,2-dioxaphosphinan-5-yl) methyl methyl methylphosphonate
293148,2931,Non-halogenated organo-phosphorous derivatives; 3,9-dimethyl-2,4,8,10-tetraoxa-3,9-diphosphaspiro[5.5] undecane 3,9-dioxide
293149,2931,Non-halogenated organo-phosphorous derivatives; other non-halogenated organo-phosphorous derivatives, n.e.c. in item no. 2931.4
293151,2931,Halogenated organo-phosphorous derivatives; methylphosphonic dichloride
293152,2931,Halogenated organo-phosphorous derivatives; propylphosphonic dichloride
293153,2931,Halogenated organo-phosphorous derivatives; O-(3-chloropropyl) O-[4-nitro-3-(trifluoromethyl)phenyl] methylphosphonothionate
293154,2931,Halogenated organo-phosphorous derivatives; trichlorfon (ISO)
293159,2931,Halogenated organo-phosphorous derivatives; other halogenated organo-phosphorous derivatives, n.e.c. in item no. 2931.5
293190,2931,Organo-inorganic compounds; other than tetramethyl lead, tetraethyl lead, tributyltin compounds, and other organo-phosphorous derivatives
2932,29,Heterocyclic compounds with oxygen hetero-atom(s) only
293211,2932,Heterocyclic compounds; with oxygen hetero-atom(s) only, containing an unfused furan ring (whether or not hydrogenated) in the structure, tetrahydrofuran
293212,2932,Heterocyclic compounds; with oxygen hetero-atom(s) only, containing an unfused furan ring (whether or not hydrogenated) in the structure, 2-furaldehyde (furfuraldehyde)
293213,2932,Heterocyclic compounds; with oxygen hetero-atom(s) only, containing an unfused furan ring (whether or not hydrogenated) in the structure, furfuryl alcohol and tetrahydrofurfuryl alcohol
293214,2932,Heterocyclic compounds; with oxygen hetero-atom(s) only, containing an unfused furan ring (whether or not hydrogenated) in the structure, sucralose
293219,2932,Heterocyclic compounds; with oxygen hetero-atom(s) only, containing an unfused furan ring (whether or not hydrogenated) in the structure, n.e.c. in item no. 2932.1
293220,2932,Heterocyclic compounds; with oxygen hetero-atom(s) only, containing an unfused furan ring (whether or not hydrogenated) in the structure, lactones
293291,2932,Heterocyclic compounds; with oxygen hetero-atom(s) only, (other than lactones or compounds containing an unfused furan ring (whether or not hydrogenated) in the structure), isosafrole
293292,2932,Heterocyclic compounds; with oxygen hetero-atom(s) only, (other than lactones or compounds containing an unfused furan ring (whether or not hydrogenated) in the structure), 1-(1,3-Benzodioxol-5-yl)propan-2-one
293293,2932,Heterocyclic compounds; with oxygen hetero-atom(s) only, (other than lactones or compounds containing an unfused furan ring (whether or not hydrogenated) in the structure), piperonal
293294,2932,Heterocyclic compounds; with oxygen hetero-atom(s) only, (other than lactones or compounds containing an unfused furan ring (whether or not hydrogenated) in the structure), safrole
293295,2932,Heterocyclic compounds; with oxygen hetero-atom(s) only, (other than lactones or compounds containing an unfused furan ring (whether or not hydrogenated) in the structure), tetrahydrocannabinols (all isomers)
293296,2932,Heterocyclic compounds; with oxygen hetero-atom(s) only, (other than lactones or compounds containing an unfused furan ring (whether or not hydrogenated) in the structure), carbofuran (ISO)
293299,2932,Heterocyclic compounds; with oxygen hetero-atom(s) only, no lactones or unfused furan rings in the structure, other than isosafrole, 1-(1,3-benzodiaxol-5-yl) propan-2-one, piperonal, safrole, tetrahydrocannabinols (all isomers), carbofuran (ISO)
2933,29,Heterocyclic compounds with nitrogen hetero-atom(s) only
293311,2933,Heterocyclic compounds; with nitrogen hetero-atom(s) only, containing an unfused pyrazole ring (whether or not hydrogenated) in the structure, phenazone (antipyrin) and its derivatives
293319,2933,Heterocyclic compounds; with nitrogen hetero-atom(s) only, containing an unfused pyrazole ring (whether or not hydrogenated) in the structure, other than henazone (antipyrin) and its derivatives
293321,2933,Heterocyclic compounds; with nitrogen hetero-atom(s) only, containing an unfused imidazole ring (whether or not hydrogenated) in the structure, hydantoin and its derivatives
293329,2933,Heterocyclic compounds; with nitrogen hetero-atom(s) only, containing an unfused imidazole ring (whether or not hydrogenated) in the structure, other than hydantoin and its derivatives
293331,2933,Heterocyclic compounds; containing an unfused pyridine ring (whether or not hydrogenated) in the structure, pyridine and its salts
293332,2933,Heterocyclic compounds; containing an unfused pyridine ring (whether or not hydrogenated) in the structure, piperidine and its salts
293333,2933,Heterocyclic compounds; containing an unfused pyridine ring (whether or not hydrogenated) in the structure, alfentanil (INN), anileridine (INN), bezitramide (INN), bromazepam (INN), carfentanil (INN), difenoxin (INN), diphenoxylate (INN), dipipanone (INN)
293334,2933,Heterocyclic compounds; containing an unfused pyridine ring (whether or not hydrogenated) in the structure, other fentanyls and their derivatives
293335,2933,Heterocyclic compounds; containing an unfused pyridine ring (whether or not hydrogenated) in the structure, 3-quinuclidinol
293336,2933,Heterocyclic compounds; containing an unfused pyridine ring (whether or not hydrogenated) in the structure, 4-anilino-N-phenethylpiperidine (ANPP)
293337,2933,Heterocyclic compounds; containing an unfused pyridine ring (whether or not hydrogenated) in the structure, N-phenethyl-4-piperdone (NPP)
293339,2933,Heterocyclic compounds; containing an unfused pyridine ring (whether or not hydrogenated) in the structure, n.e.c. in 2933.3
293341,2933,Heterocyclic compounds; containing a quinoline or isoquinoline ring-system (whether or not hydrogenated) in the structure, not further fused, levorphanol (INN) and its salts
293349,2933,Heterocyclic compounds; containing a quinoline or isoquinoline ring-system (whether or not hydrogenated) in the structure, not further fused, other than levorphanol (INN) and its salts
293352,2933,Heterocyclic compounds; containing a pyrimidine ring (whether or not hydrogenated) or piperazine ring in the structure, malonylurea (barbituric acid) and its salts
293353,2933,Allobarbital (INN), amobarbital (INN), barbital (INN), butalbital (INN), butobarbital, cyclobarbital (INN), methylphenobarbital (INN), pentobarbital (INN), phenobarbital (INN), secbutabarbital (INN), secobarbital (INN) and vinylbital (INN); salts thereof
293354,2933,Heterocyclic compounds; containing a pyrimidine ring (whether or not hydrogenated) or piperazine ring in the structure, other derivatives of malonylurea (barbituric acid) and salts thereof, n.e.c. in 2933.53
293355,2933,Heterocyclic compounds; containing a pyrimidine ring (whether or not hydrogenated) or piperazine ring in the structure; loprazolam (INN), mecloqualone (INN), methaqualone (INN), and zipeprol (INN); salts thereof
293359,2933,Heterocyclic compounds; containing a pyrimidine ring (whether or not hydrogenated) or piperazine ring in the structure, (other than malonylurea and its derivatives, loprazolam, mecloqualone, methaqualone, zipeprol, and salts thereof) n.e.c. in 2933.5
293361,2933,Heterocyclic compounds; containing an unfused triazine ring (whether or not hydrogenated) in the structure, melamine
293369,2933,Heterocyclic compounds; containing an unfused triazine ring (whether or not hydrogenated) in the structure, others excluding melamine
293371,2933,Heterocyclic compounds; lactams; 6-hexanelactam (epsilon-caprolactam)
293372,2933,Heterocyclic compounds; lactams; clobazam (INN) and methyprylon (INN)
293379,2933,Heterocyclic compounds; lactams; other than 6-hexanelactam (epsilon caprolactam) and clobazam (INN) and methyprylon (INN)
293391,2933,Heterocyclic compounds; alprazolam (INN), camazepam (INN), chlordiazepoxide (INN), clonazepam (INN), clorazepate, delorazepam (INN), diazepam (INN), estazolam (INN), ethyl loflazepate (INN), fludiazepam (INN), flunitrazepam (INN), (cont)
293392,2933,Heterocyclic compounds; azinphos-methyl (ISO)
293399,2933,Heterocyclic compounds; n.e.c. in headings no. 2933
2934,29,Nucleic acids and their salts, whether or not chemically defined; other heterocyclic compounds
293410,2934,Heterocyclic compounds; containing an unfused thiazole ring (whether or not hydrogenated) in the structure
293420,2934,Heterocyclic compounds; containing in the structure, a benzothiazole ring-system (whether or not hydrogenated), not further fused
293430,2934,Heterocyclic compounds; containing in the structure, a phenothiazine ring-system (whether or not hydrogenated), not further fused
293491,2934,Heterocyclic compounds; other heterocyclic compounds, n.e.c. in 2934.1, 2934.2 and 2934.3
293492,2934,Heterocyclic compounds; other fentanyls n.e.c. in 2934, and their derivatives
293499,2934,Nucleic acids and their salts, other heterocyclic compounds, n.e.c. in heading number 2934
2935,29,Sulphonamides
293510,2935,Sulphonamides; N-methylperfluorooctane sulphonamide
293520,2935,Sulphonamides; N-ethylperfluorooctane sulphonamide
293530,2935,Sulphonamides; N-ethyl-N-(2-hydroxyethyl) perfluorooctane sulphonamide
293540,2935,Sulphonamides; N-(2-hydroxyethyl)-N-methylperfluorooctane sulphonamide
293550,2935,Sulphonamides; other perfluorooctane sulphonamides
293590,2935,Sulphonamides; n.e.c. in heading no. 2935
2936,29,Provitamins, vitamins; natural or reproduced by synthesis (including natural concentrates) derivatives thereof used as vitamins, and intermixtures of the fore-going, whether or not in any solvent
293621,2936,Vitamins; vitamins A and their derivatives, unmixed
293622,2936,Vitamins; vitamin B1 and its derivatives, unmixed
293623,2936,Vitamins; vitamin B2 and its derivatives, unmixed
293624,2936,Vitamins; D- or DL-pantothenic acid (vitamin B5) and its derivatives, unmixed
293625,2936,Vitamins; vitamin B6 and its derivatives, unmixed
293626,2936,Vitamins; vitamin B12 and its derivatives, unmixed
293627,2936,Vitamins; vitamin C and its derivatives, unmixed
293628,2936,Vitamins; vitamin E and its derivatives, unmixed
293629,2936,Vitamins; n.e.c. in item no. 2936.2, and their derivatives, unmixed
293690,2936,Vitamins; n.e.c. in heading no. 2936, including natural concentrates
2937,29,Hormones, prostaglandins, thromboxanes and leukotrienes, natural or reproduced by synthesis; derivatives and structural analogues thereof, including chain modified polypeptides, used primarily as hormones.
293711,2937,Polypeptide hormones, protein hormones and glycoprotein hormones, their derivatives and structural analogues; somatotropin, its derivatives and structural analogues
293712,2937,Polypeptide hormones, protein hormones and glycoprotein hormones, their derivatives and structural analogues; insulin and its salts
293719,2937,Polypeptide hormones, protein hormones and glycoprotein hormones, their derivatives and structural analogues; other than somatotropin, (its derivatives and structural anaologues) and insulin and its salts
293721,2937,Steroidal hormones, their derivatives and structural analogues; cortisone, hydrocortisone, prednisone (dehydrocortisone) and prednisolone (dehydrohydrocortisone)
293722,2937,Steroidal hormones, their derivatives and structural analogues; halogenated derivatives of corticosteroidal hormones
293723,2937,Steroidal hormones, their derivatives and structural analogues; oestrogens and progestogens
293729,2937,Steroidal hormones, their derivatives and structural analogues; other than cortisone, hydrocortisone, prednisone (dehydrocortisone), prednisolone (dehydrohydrocortisone), halogenated derivatives of corticosteroidal hormones, oestrogen and progestogens
293750,2937,Prostaglandins, thromboxanes and leukotrienes, their derivatives and structural analogues
293790,2937,Hormones, prostaglandins, thromboxanes and leukotrienes, natural or reproduced by synthesis; derivatives and structural analogues thereof, including chain modified polypeptides, used primarily as hormones, n.e.c. in heading 2937
2938,29,Glycosides, natural or reproduced by synthesis, and their salts, ethers, esters and other derivatives
293810,2938,Glycosides; rutoside (rutin) and its derivatives
293890,2938,Glycosides; natural or reproduced by synthesis, other than rutoside (rutin) and its derivatives
2939,29,Alkaloids; natural or reproduced by synthesis, and their salts, ethers, esters and other derivatives
293911,2939,Alkaloids; of opium and their derivatives; salts thereof
293919,2939,Alkaloids; of opium and their derivatives; other than in 2939.11, salts thereof
293920,2939,Alkaloids; of cinchona and their derivatives; salts thereof
293930,2939,Alkaloids; caffeine and its salts
293941,2939,Alkaloids; of ephedrine and their derivatives; salts thereof
293942,2939,Alkaloids; of ephedrine and their derivatives; pseudoephedrine (INN) and its salts
293943,2939,Alkaloids; of ephedrine and their derivatives; cathine (INN) and its salts
293944,2939,Alkaloids; of ephedrine and their derivatives; norephedrine and its salts
293945,2939,Alkaloids; of ephedrine and their derivatives; levometamfetamine, metamfetamine (INN), metamefetamine racemate and their salts
293949,2939,Alkaloids; of ephedrine and their derivatives; other than ephedrine, pseudoephedrine (INN), norephedrine, cathine (INN), levometamfetamine, metamfetamine (INN), metamefetamine racemate and their salts
293951,2939,Alkaloids; theophylline and aminophylline (theophylline-ethylenediamine) and their derivatives; salts thereof, fenetylline (INN) and its salts
293959,2939,Alkaloids; theophylline and aminophylline (theophylline-ethylenediamine) and their derivatives; salts thereof, other than fenetylline
293961,2939,Alkaloids; of rye ergot and their derivatives, ergometrine (INN) and its salts
293962,2939,Alkaloids; of rye ergot and their derivatives, ergotamine (INN) and its salts
293963,2939,Alkaloids; of rye ergot and their derivatives, lysergic acid and its salts
293969,2939,Alkaloids; of rye ergot and their derivatives, salts thereof, n.e.c. in item no. 2939.6
293972,2939,Alkaloids; of vegetal origin, cocaine, ecgonine; salts, esters and other derivatives thereof
293979,2939,Alkaloids; of vegetal origin, other than cocaine, ecgonine; salts, esters and other derivatives; n.e.c. in heading no. 2939
293980,2939,Alkaloids; natural or reproduced by synthesis, and their salts, esters and other derivatives n.e.c. in heading no. 2939
2940,29,Sugars, chemically pure, other than sucrose, lactose, maltose, glucose and fructose; sugar ethers, sugar acetals and sugar esters, and their salts, other than the products of heading 29.37, 29.38, or 29.39
294000,2940,Sugars, chemically pure, other than sucrose, lactose, maltose, glucose and fructose; sugar ethers, sugar acetals and sugar esters, and their salts, other than the products of heading 29.37, 29.38, or 29.39
2941,29,Antibiotics
294110,2941,Antibiotics; penicillins and their derivatives with a penicillanic acid structure; salts thereof
294120,2941,Antibiotics; streptomycins and their derivatives; salts thereof
294130,2941,Antibiotics; tetracyclines and their derivatives; salts thereof
294140,2941,Antibiotics; chloramphenicol and its derivatives; salts thereof
294150,2941,Antibiotics; erythromycin and its derivatives; salts thereof
294190,2941,Antibiotics; n.e.c. in heading no. 2941
2942,29,Organic compounds; n.e.c. in chapter 29
294200,2942,Organic compounds; n.e.c. in chapter 29
30,VI,Pharmaceutical products
3001,30,Glands and other organs (extracts, secretions thereof) for organo-therapeutic uses, dried, powdered or not; heparin and its salts; other human or animal substances for therapeutic or prophylactic uses n.e.c.
300120,3001,Glands and other organs; extracts of glands or other organs or of their secretions, for organo-therapeutic uses
300190,3001,Glands and other organs; heparin and its salts; other human or animal substances prepared for therapeutic or prophylactic uses, n.e.c. in heading 3001
3002,30,Human blood; animal blood for therapeutic, prophylactic or diagnostic uses; antisera, other blood fractions, immunological products, modified or obtained by biotechnological processes; vaccines, toxins, cultures of micro-organisms (excluding yeasts) etc
300212,3002,Blood, human or animal, antisera, other blood fractions and immunological products; antisera and other blood fractions
300213,3002,Blood, human or animal, antisera, other blood fractions and immunological products; immunological products, unmixed, not put up in measured doses or in forms or packings for retail sale
300214,3002,Blood, human or animal, antisera, other blood fractions and immunological products; immunological products, mixed, put up in measured doses or in forms or packings for retail sale
300215,3002,Blood, human or animal, antisera, other blood fractions and immunological products; immunological products, put up in measured doses or in forms or packings for retail sale
300241,3002,Vaccines, toxins, cultures of micro-organisms (excluding yeasts) and similar products; for human medicine
300242,3002,Vaccines, toxins, cultures of micro-organisms (excluding yeasts) and similar products; for veterinary medicine
300249,3002,Toxins, cultures of micro-organisms (excluding yeasts) and similar products; n.e.c. in item 3002.3
300251,3002,Cell cultures, whether or not modified; cell therapy products
300259,3002,Cell cultures, whether or not modified; other cell cultures not including cell therapy products
300290,3002,Toxins, cultures of micro-organisms (excluding yeasts) and similar products
3003,30,Medicaments; (not goods of heading no. 3002, 3005 or 3006) of two or more constituents mixed together for therapeutic or prophylactic use not in measured doses or in forms or packings for retail sale
300310,3003,Medicaments; containing penicillins, streptomycins or their derivatives, for therapeutic or prophylactic uses, (not in measured doses, not packaged for retail sale)
300320,3003,Medicaments; containing antibiotics other than penicillins, streptomycins and their derivatives, for therapeutic or prophylactic uses, (not in measured doses, not packaged for retail sale)
300331,3003,Medicaments; containing insulin, for therapeutic or prophylactic uses, not packaged for retail sale
300339,3003,Medicaments; containing hormones (excluding insulin), (but not containing antibiotics), for therapeutic or prophylactic uses, not packaged for retail sale
300341,3003,Medicaments; containing alkaloids or their derivatives, containing ephedrine or its salts, for therapeutic or prophylactic uses, (not packaged for retail sale)
300342,3003,Medicaments; containing alkaloids or their derivatives, containing pseudoephedrine (INN) or its salts, for therapeutic or prophylactic uses, (not packaged for retail sale)
300343,3003,Medicaments; containing alkaloids or their derivatives, containing norephedrine or its salts, for therapeutic or prophylactic uses, (not packaged for retail sale)
300349,3003,Medicaments; containing alkaloids or their derivatives; other than ephedrine, pseudoephedrine (INN) or norephedrine or their salts; for therapeutic or prophylactic uses, (not packaged for retail sale)
300360,3003,Medicaments; containing antimalarial active principles described in subheading note 2 to this chapter, for therapeutic or prophylactic uses, (not packaged for retail sale)
300390,3003,Medicaments; (not containing antibiotics, hormones, alkaloids or their derivatives), for therapeutic or prophylactic uses, (not packaged for retail sale)
3004,30,Medicaments; (not goods of heading no. 3002, 3005 or 3006) consisting of mixed or unmixed products for therapeutic or prophylactic use, put up in measured doses (incl. those in the form of transdermal admin. systems) or packed for retail sale
300410,3004,Medicaments; containing penicillins, streptomycins or their derivatives, for therapeutic or prophylactic uses, packaged for retail sale
300420,3004,Medicaments; containing antibiotics (other than penicillins, streptomycins or their derivatives), for therapeutic or prophylactic uses, packaged for retail sale
300431,3004,Medicaments; containing insulin, for therapeutic or prophylactic uses, packaged for retail sale
300432,3004,Medicaments; containing corticosteroid hormones, their derivatives or structural analogues (but not containing antibiotics), for therapeutic or prophylactic uses, packaged for retail sale
300439,3004,Medicaments; containing hormones (but not insulin), adrenal cortex hormones or antibiotics, for therapeutic or prophylactic uses, packaged for retail sale
300441,3004,Medicaments; containing alkaloids or their derivatives, containing ephedrine or its salts, for therapeutic or prophylactic uses, packaged for retail sale
300442,3004,Medicaments; containing alkaloids or their derivatives, containing pseudoephedrine (INN) or its salts, for therapeutic or prophylactic uses, packaged for retail sale
300443,3004,Medicaments; containing alkaloids or their derivatives, containing norephedrine or its salts, for therapeutic or prophylactic uses, packaged for retail sale
300449,3004,Medicaments; containing alkaloids or their derivatives; other than ephedrine, pseudoephedrine (INN) or norephedrine or their salts; for therapeutic or prophylactic uses, packaged for retail sale
300450,3004,Medicaments; containing vitamins or their derivatives, for therapeutic or prophylactic use, packaged for retail sale
300460,3004,Medicaments; containing antimalarial active principles described in Subheading Note 2 to this Chapter, for therapeutic or prophylactic uses, packaged for retail sale
300490,3004,Medicaments; consisting of mixed or unmixed products n.e.c. in heading no. 3004, for therapeutic or prophylactic uses, packaged for retail sale
3005,30,Wadding, gauze, bandages (dressings, adhesive plasters, poultices), impregnated or coated with pharmaceutical substances or in forms or packings for retail sale, for medical, surgical or veterinary use
300510,3005,Dressings, adhesive; and other articles having an adhesive layer, packed for retail sale for medical, surgical, dental or veterinary purposes
300590,3005,Wadding, gauze, bandages and similar articles; (excluding adhesive dressings), impregnated or coated with pharmaceutical substances, packaged for retail sale
3006,30,Pharmaceutical goods
300610,3006,Pharmaceutical goods; sterile surgical catgut, suture materials, tissue adhesives, laminaria, laminaria tents, absorbable surgical or dental haemostatics, and surgical or dental adhesion barriers
300630,3006,Pharmaceutical goods; opacifying preparations for x-ray examinations, diagnostic reagents designed to be administered to the patient
300640,3006,Pharmaceutical goods; dental cements and other dental fillings, bone reconstruction cements
300650,3006,Pharmaceutical goods; first aid boxes and kits
300660,3006,Pharmaceutical goods; chemical contraceptive preparations based on hormones, on other products of heading 2937 or on spermicides
300670,3006,Pharmaceutical goods; Gel preparations designed to be used in human or veterinary medicine as a lubricant for parts of the body for surgical operations or physical examinations or as a coupling agent between the body and medical instruments
300691,3006,Pharmaceutical goods; appliances identifiable for ostomy use
300692,3006,Pharmaceutical goods; waste pharmaceuticals
300693,3006,Pharmaceutical goods; placebos and blinded (or double-blinded) clinical trial kits for a recognised clinical trial, put up in measured doses
31,VI,Fertilizers
3101,31,Fertilizers; animal or vegetable, whether or not mixed together or chemically treated; fertilizers produced by the mixing or chemical treatment of animal or vegetable products
310100,3101,Fertilizers, animal or vegetable; whether or not mixed together or chemically treated; fertilizers, produced by the mixing or chemical treatment of animal or vegetable products
3102,31,Fertilizers; mineral or chemical, nitrogenous
310210,3102,Fertilizers, mineral or chemical; nitrogenous, urea, whether or not in aqueous solution
310221,3102,Fertilizers, mineral or chemical; nitrogenous, ammonium sulphate
310229,3102,Fertilizers, mineral or chemical; nitrogenous, other than ammonium sulphate
310230,3102,Fertilizers, mineral or chemical; nitrogenous, ammonium nitrate, whether or not in aqueous solution
310240,3102,Fertilizers, mineral or chemical; ammonium nitrate with calcium carbonate or other inorganic non-fertilizing substances, mixtures thereof
310250,3102,Fertilizers, mineral or chemical; nitrogenous, sodium nitrate
310260,3102,Fertilizers, mineral or chemical; nitrogenous, double salts and mixtures of calcium nitrate and ammonium nitrate
310280,3102,Fertilizers, mineral or chemical; nitrogenous, mixtures of urea and ammonium nitrate in aqueous or ammoniacal solution
310290,3102,Fertilizers, mineral or chemical; nitrogenous, other kinds including mixtures not specified in the foregoing subheadings
3103,31,Fertilizers; mineral or chemical, phosphatic
310311,3103,Fertilizers, mineral or chemical; phosphatic, superphosphates, containing by weight 35% or more of diphosphorus pentaoxide (P2O5)
310319,3103,Fertilizers, mineral or chemical; phosphatic, superphosphates, other than containing by weight 35% or more of diphosphorus pentaoxide (P2O5)
310390,3103,Fertilizers, mineral or chemical; phosphatic, n.e.c. in heading no. 3103
3104,31,Fertilizers; mineral or chemical, potassic
310420,3104,Fertilizers, mineral or chemical; potassic, potassium chloride
310430,3104,Fertilizers, mineral or chemical; potassic, potassium sulphate
310490,3104,Fertilizers, mineral or chemical; potassic, n.e.c. in heading no. 3104
3105,31,Fertilizers; mineral or chemical, containing 2 or 3 of the elements nitrogen, phosphorus, potassium; other fertilisers; goods of chapter 31 in tablets or packages of gross weight not exceeding 10kg
310510,3105,Fertilizers, mineral or chemical; in tablets or similar forms or in packages of a gross weight not exceeding 10kg
310520,3105,Fertilizers, mineral or chemical; containing the three fertilizing elements nitrogen, phosphorus and potassium
310530,3105,Fertilizers, mineral or chemical; diammonium hydrogenorthophosphate (diammonium phosphate)
310540,3105,Fertilizers, mineral or chemical; ammonium dihydrogenorthophosphate (monoammonium phosphate) and mixtures thereof with diammonium hydrogenorthophosphate (diammonium phosphate)
310551,3105,Fertilizers, mineral or chemical; containing nitrates and phosphates
310559,3105,Fertilizers, mineral or chemical; containing the two fertilizing elements nitrogen and phosphorus, other than nitrates and phosphates
310560,3105,Fertilizers, mineral or chemical; containing the two fertilizing elements phosphorus and potassium
310590,3105,Fertilizers, mineral or chemical; n.e.c. in heading no. 3105
32,VI,Tanning or dyeing extracts; tannins and their derivatives; dyes, pigments and other colouring matter; paints, varnishes; putty, other mastics; inks
3201,32,Tanning extracts of vegetable origin; tannins and their salts, ethers, esters and other derivatives
320110,3201,Tanning extracts of vegetable origin; quebracho extract
320120,3201,Tanning extracts of vegetable origin; wattle extract
320190,3201,Tanning extracts of vegetable origin; tannins and their salts, ethers, esters and other derivatives, (excluding quebracho or wattle extract)
3202,32,Tanning substances; synthetic organic or inorganic tanning substances; tanning preparations, whether or not containing natural tanning substances, enzymatic preparations for pre-tanning
320210,3202,Tanning substances; synthetic organic tanning substances
320290,3202,Tanning substances; inorganic tanning substances; tanning preparations, whether or not containing natural tanning substances; enzymatic preparations for pre- tanning
3203,32,Colouring matter of vegetable or animal origin (including dyeing extracts, not animal black); whether or not chemically defined; preparations based on colouring matter of vegetable or animal origin
320300,3203,Colouring matter of vegetable or animal origin, including dyeing extracts not animal black, whether or not chemically defined; preparations based on colouring matter of vegetable or animal origin
3204,32,Synthetic organic colouring matter and preparations based thereon; synthetic organic products used as fluorescent brightening agents or as luminophores; whether or not chemically defined
320411,3204,Dyes; disperse dyes and preparations based thereon
320412,3204,Dyes; acid, whether or not premetallised and preparations based thereon, mordant dyes and preparations based thereon
320413,3204,Dyes; basic dyes and preparations based thereon
320414,3204,Dyes; direct dyes and preparations based thereon
320415,3204,Dyes; vat dyes (including those usable in that state as pigments) and preparations based thereon
320416,3204,Dyes; reactive dyes and preparations based thereon
320417,3204,Dyes; pigments and preparations based thereon
320418,3204,Dyes; carotenoid colouring matters and preparations based thereon
320419,3204,Dyes; n.e.c., including mixtures of colouring matter of two or more of those from item no. 3204.11 to 3204.19
320420,3204,Dyes; synthetic organic products of a kind used as fluorescent brightening agents
320490,3204,Dyes; synthetic organic products n.e.c. in heading no. 3204 (e.g. of a kind used as luminophores), whether or not chemically defined
3205,32,Colour lakes; preparations based on colour lakes as specified in note 3 to this chapter
320500,3205,Colour lakes; preparations based on colour lakes as specified in note 3 to this chapter
3206,32,Colouring matter and preparations thereof n.e.c. in heading no. 3203, 3204, 3205; inorganic products, kind used as luminophores whether or not chemically defined
320611,3206,Colouring matter; pigments and preparations based on titanium dioxide, containing 80% or more by weight of titanium dioxide calculated on the dry matter
320619,3206,Colouring matter; pigments and preparations based on titanium dioxide, containing less than 80% by weight of titanium dioxide calculated on the dry weight
320620,3206,Colouring matter; pigments and preparations based on chromium compounds
320641,3206,Colouring matter; ultramarine and preparations based thereon
320642,3206,Colouring matter; lithopone and other pigments and preparations based on zinc sulphide
320649,3206,Colouring matter; other preparations n.e.c. in item no. 3206.4
320650,3206,Colouring matter; inorganic products of a kind used as luminophores
3207,32,Pigments, prepared; opacifiers, colours, vitrifiable enamels, glazes, engobes (slips), liquid lustres etc as used in the ceramic enamelling or glass industry; glass frit and powder, granules or flakes
320710,3207,Pigments; prepared pigments, opacifiers, colours and similar preparations
320720,3207,Enamels and glazes; vitrifiable enamels and glazes, engobes (slips) and similar preparations
320730,3207,Lustres; liquid lustres and similar preparations
320740,3207,Glass; glass frit and other glass, in the form of powder, granules or flakes
3208,32,Paints, varnishes; (enamels and lacquers) based on synthetic polymers or chemically modified natural polymers, dispersed or dissolved in a non-aqueous medium
320810,3208,Paints and varnishes; based on polyesters, dispersed or dissolved in a non-aqueous medium
320820,3208,Paints and varnishes; based on acrylic or vinyl polymers, dispersed or dissolved in a non-aqueous medium
320890,3208,Paints and varnishes; based on polymers n.e.c. in heading no. 3208, dispersed or dissolved in a non-aqueous medium
3209,32,Paints and varnishes (including enamels and lacquers) based on synthetic or chemically modified natural polymers, dispersed or dissolved in an aqueous medium
320910,3209,Paints and varnishes; based on acrylic or vinyl polymers, dispersed or dissolved in an aqueous medium
320990,3209,Paints and varnishes; (based on polymers other than acrylic or vinyl), dispersed or dissolved in an aqueous medium
3210,32,Paints and varnishes (including enamels, lacquers and distempers), excluding those of heading no. 3209, prepared water pigments of a kind used for finishing leather
321000,3210,Paints and varnishes; (including enamels, lacquers and distempers), prepared water pigments of a kind used for finishing leather
3211,32,Driers; prepared
321100,3211,Driers; prepared
3212,32,Pigments (metallic powders and flakes) dispersed in non-aqueous media in liquid or paste form, as used in manufacture of paints (including enamels); stamping foils, dyes etc in forms, packing for retail sale
321210,3212,Pigments; of a kind used in the manufacture of paints, stamping foils
321290,3212,Pigments; of a kind used in the manufacture of paints, other than stamping foils
3213,32,Colours; artists, students, or signboard painters, modifying tints, amusement colours and the like; in tablets, tubes, jars, bottles, pan or in similar forms or packings
321310,3213,Colours; in sets, of a kind used by artists, students or signboard painters
321390,3213,Colours; (other than in sets), of a kind used by artists, students or signboard painters
3214,32,Glaziers' putty, grafting putty, resin cements, caulking compounds and other mastics; painters' fillings; non-refractory surfacing preparations for facades, indoor walls, floors, ceilings or the like
321410,3214,Mastics; painters' fillings
321490,3214,Mastics; n.e.c. in heading no. 3214
3215,32,Ink; printing, writing or drawing ink and other inks; whether or not concentrated or solid
321511,3215,Ink; for printing, black, whether or not concentrated or solid
321519,3215,Ink; for printing, other than black, whether or not concentrated or solid
321590,3215,Ink; writing, drawing and other inks, n.e.c. in heading no. 3215, whether or not concentrated or solid
33,VI,Essential oils and resinoids; perfumery, cosmetic or toilet preparations
3301,33,Oils; essential (concretes, absolutes); concentrates thereof in fats, fixed oils, waxes or the like (obtained by enfleurage or maceration); aqueous distillates, solutions and terpenic by-products thereof; resinoids; extracted oleoresins
330112,3301,Oils, essential; of orange (terpeneless or not), including concretes and absolutes
330113,3301,Oils, essential; of lemon (terpeneless or not), including concretes and absolutes
330119,3301,Oils, essential; of citrus fruits n.e.c. in heading no. 3301 (terpeneless or not), including concretes and absolutes
330124,3301,Oils, essential; of peppermint (Mentha piperita), terpeneless or not, including concretes and absolutes
330125,3301,Oils, essential; of mints (excluding peppermint), terpeneless or not, including concretes and absolutes
330129,3301,Oils, essential; n.e.c. in heading no. 3301 (terpeneless or not), including concretes and absolutes
330130,3301,Resinoids
330190,3301,Oils, essential; concentrates in fats, fixed oils, waxes and the like, terpenic by-products, aqueous distillates and solutions, extracted oleoresins, n.e.c. in heading no. 3301
3302,33,Odoriferous substances and mixtures (including alcoholic solutions) with a basis of one or more of these substances, of a kind used as raw materials in industry; other preparations based on odoriferous substances, of a kind used for beverage manufacture
330210,3302,Odoriferous substances and mixtures; of a kind used in the food or drink industries
330290,3302,Odoriferous substances and mixtures; used as raw materials in industries other than the food or drink industries
3303,33,Perfumes and toilet waters
330300,3303,Perfumes and toilet waters
3304,33,Cosmetic and toilet preparations; beauty, make-up and skin care preparations (excluding medicaments, including sunscreen or sun tan preparations), manicure or pedicure preparations
330410,3304,Cosmetic and toilet preparations; lip make-up
330420,3304,Cosmetic and toilet preparations; eye make-up
330430,3304,Cosmetic and toilet preparations; manicure or pedicure preparations
330491,3304,Cosmetic and toilet preparations; powders, whether or not compressed (excluding lip, eye, manicure or pedicure preparations)
330499,3304,Cosmetic and toilet preparations; n.e.c. in heading no. 3304, for the care of the skin (excluding medicaments, including sunscreen or sun tan preparations)
3305,33,Hair preparations; for use on the hair
330510,3305,Hair preparations; shampoos
330520,3305,Hair preparations; for permanent waving or straightening
330530,3305,Hair preparations; lacquers
330590,3305,Hair preparations; n.e.c. in heading no. 3305
3306,33,Oral or dental hygiene preparations; including fixative pastes and powders; yarn used to clean between the teeth (dental floss), in individual retail packages
330610,3306,Oral or dental hygiene preparations; dentifrices
330620,3306,Oral or dental hygiene preparations; yarn used to clean between the teeth (dental floss)
330690,3306,Oral or dental hygiene preparations; other than dentifrices
3307,33,Perfumery, cosmetic or toilet preparations; pre-shave, shaving, after-shave, bath preparations; personal deodorants and depilatories; room deodorisers, perfumed or not with disinfectant properties or not
330710,3307,Perfumery, cosmetic or toilet preparations; pre-shave, shaving or after-shave preparations
330720,3307,Perfumery, cosmetic or toilet preparations; personal deodorants and antiperspirants
330730,3307,Perfumery, cosmetic or toilet preparations; perfumed bath salts and other bath preparations
330741,3307,Perfumes and deodorizers; perfuming or deodorizing preparations for rooms, agarbatti and other odoriferous preparations which operate by burning (including those used during religious rites)
330749,3307,Perfumes and deodorizers; perfuming or deodorizing preparations for rooms, (excluding those which operate by burning)
330790,3307,Perfumes and deodorizers; perfuming or deodorizing preparations n.e.c. in heading no. 3307
34,VI,Soap, organic surface-active agents; washing, lubricating, polishing or scouring preparations; artificial or prepared waxes, candles and similar articles, modelling pastes, dental waxes and dental preparations with a basis of plaster
3401,34,Soap; organic surface-active preparations used as soap, skin washing, in bars, cakes, moulded pieces, shapes, liquid or cream, containing soap or not; for retail, paper, wadding, felt and nonwovens, impregnated, coated or covered with soap or detergent
340111,3401,Soap and organic surface-active products; in the form of bars, cakes, moulded shapes, and paper, wadding, felt and nonwovens, impregnated, coated or covered with soap or detergent, for toilet use (including medicated products)
340119,3401,Soap and organic surface-active products; in the form of bars, cakes, moulded shapes, and paper, wadding, felt and nonwovens, impregnated, coated or covered with soap or detergent, not for toilet use
340120,3401,Soap; in forms n.e.c. in item no. 3401.11
340130,3401,Organic surface-active products and preparations for washing the skin, in the form of liquid or cream and put up for retail sale, whether or not containing soap
3402,34,Organic surface-active agents (not soap); surface-active, washing (including auxiliary washing) and cleaning preparations, containing soap or not, excluding those of heading no. 3401
340231,3402,Anionic organic surface-active agents (other than soap); linear alkylbenzene sulphonic acids and their salts, whether or not put up for retail sale
340239,3402,Anionic organic surface-active agents (other than soap); other than linear alkylbenzene sulphonic acids and their salts, whether or not put up for retail sale
340241,3402,Organic surface-active agents; cationic (other than soap), whether or not put up for retail sale
340242,3402,Organic surface-active agents; non-ionic (other than soap), whether or not put up for retail sale
340249,3402,Organic surface-active agents; whether or not put up for retail sale, n.e.c. in item no. 3402
340250,3402,Washing and cleaning preparations; powders, flakes and granules, surface-active, whether or not containing soap (excluding those of heading no. 3401), put up for retail sale
340290,3402,Washing and cleaning preparations; surface-active, whether or not containing soap (excluding those of heading no. 3401), including auxiliary washing preparations, not for retail sale
3403,34,Lubricating preparations and those used in oil or grease treatment of textile and similar materials; excluding preparations containing 70% or more (by weight) of petroleum or bituminous mineral oils
340311,3403,Lubricating preparations; for the treatment of textile and similar materials (leather, furskins etc), containing less than 70% (by weight) of petroleum oils or oils obtained from bituminous minerals
340319,3403,Lubricating preparations; (other than for the treatment of textile and similar materials), containing less than 70% (by weight) of petroleum oils or oils obtained from bituminous minerals
340391,3403,Lubricating preparations; for the treatment of textile and similar materials (leather, furskins etc), (not containing petroleum oils or oils obtained from bituminous minerals)
340399,3403,Lubricating preparations; other than for the treatment of textile and similar materials, not containing petroleum oils or oils obtained from bituminous minerals
3404,34,Waxes; artificial, prepared
340420,3404,Waxes; artificial and prepared, of poly(oxyethylene) (polyethylene glycol)
340490,3404,Waxes; artificial and prepared, other than of polyethylene glycol
3405,34,Polishes, creams, scouring pastes, powders and similar; in any form, (including articles impregnated, coated or covered with such), for furniture, footwear, floors, coachwork, glass or metal
340510,3405,Polishes, creams and similar preparations; for footwear or leather, excluding waxes of heading no. 3404
340520,3405,Polishes, creams and similar preparations; for the maintenance of wooden furniture, floors or other woodwork, excluding waxes of heading no. 3404
340530,3405,Polishes, creams and similar preparations; for coachwork, other than metal polishes, excluding waxes of heading no. 3404
340540,3405,Scouring pastes and powders and other scouring preparations; (whether or not in the form of paper, wadding, felt, nonwovens, cellular plastics, cellular rubber, impregnated, coated or covered)
340590,3405,Polishes, creams and similar preparations; n.e.c. in heading no. 3405, excluding waxes of heading no. 3404
3406,34,Candles, tapers and the like
340600,3406,Candles, tapers and the like
3407,34,Modelling pastes, including those for children; dental wax, impression compounds, in sets or packings for retail sale or in plates and similar forms; dentistry preparations with plaster base
340700,3407,Modelling pastes; preparations known as dental wax, put up in sets, in packings for retail sale or in plates, horseshoe shapes, sticks or similar forms, other preparations for use in dentistry
35,VI,Albuminoidal substances; modified starches; glues; enzymes
3501,35,Casein, caseinates and other casein derivatives; casein glues
350110,3501,Casein
350190,3501,Caseinates and other casein derivatives; casein glues
3502,35,Albumins (including concentrates of two or more whey proteins, containing by weight more than 80% whey proteins, calculated on the dry matter), albuminates and other albumin derivatives
350211,3502,Albumins; egg albumin, dried
350219,3502,Albumins; egg albumin, not dried
350220,3502,Albumins; milk albumin, including concentrates of two or more whey proteins
350290,3502,Albumins, albuminates and other albumin derivatives; other than egg or milk albumin, including concentrates of two or more whey proteins
3503,35,Gelatin (including gelatin in rectangular sheets, whether or not surface-worked or coloured) and gelatin derivatives; isinglass; other glues of animal origin, excluding casein glues of heading no. 3501
350300,3503,Gelatin (including gelatin in rectangular sheets, whether or not surface-worked or coloured) and gelatin derivatives; isinglass; other glues of animal origin, excluding casein glues of heading no. 3501
3504,35,Peptones and their derivatives; other protein substances and their derivatives n.e.c. or included; hide powder, whether or not chromed
350400,3504,Peptones and their derivatives; other protein substances and their derivatives n.e.c. or included, hide powder, whether or not chromed
3505,35,Dextrins and other modified starches (e.g. pregelatinised or esterified starches); glues based on starches or on dextrins or other modified starches
350510,3505,Dextrins and other modified starches
350520,3505,Glues; based on starches, or on dextrins or other modified starches
3506,35,Prepared glues and other prepared adhesives, n.e.c. or included; products suitable for use as glues or adhesives, put up for retail sale as glues or adhesives, not exceeding 1kg net weight
350610,3506,Glues or adhesives; prepared, products suitable for use as glues or adhesives, put up for retail sale as glues or adhesives, not exceeding a net weight of 1kg
350691,3506,Adhesives; prepared, based on polymers of heading 3901 to 3913 or on rubber
350699,3506,Glues and other adhesives; prepared, n.e.c. in heading no. 3506, not exceeding a net weight of 1kg
3507,35,Enzymes; prepared enzymes not elsewhere specified or included
350710,3507,Enzymes; rennet and concentrates thereof
350790,3507,Enzymes and prepared enzymes; other than rennet and concentrates thereof
36,VI,Explosives; pyrotechnic products; matches; pyrophoric alloys; certain combustible preparations
3601,36,Explosives; propellent powders
360100,3601,Explosives; propellent powders
3602,36,Prepared explosives, other than propellent powders
360200,3602,Explosives, prepared; other than propellent powders
3603,36,Safety fuses; detonating cords; percussion or detonating caps; igniters; electric detonators
360310,3603,Safety fuses
360320,3603,Detonating cords
360330,3603,Percussion caps
360340,3603,Detonating caps
360350,3603,Igniters
360360,3603,Electric detonators
3604,36,Fireworks, signalling flares, rain rockets, fog signals and other pyrotechnic articles
360410,3604,Pyrotechnic products; fireworks
360490,3604,Pyrotechnic products; signalling flares, rain rockets, fog signals and other pyrotechnic articles (excluding fireworks)
3605,36,Matches; other than pyrotechnic articles of heading no. 3604
360500,3605,Matches; other than pyrotechnic articles of heading no. 3604
3606,36,Ferro-cerium and other pyrophoric alloys in all forms; articles of combustible materials n.e.c. in chapter 36
360610,3606,Fuels; liquid or liquefied-gas, in containers, of a kind used for filling or refilling cigarette or similar lighters and of a capacity not exceeding 300cm3
360690,3606,Ferro-cerium and other pyrophoric alloys in all forms; articles of combustible materials n.e.c. in chapter 36
37,VI,Photographic or cinematographic goods
3701,37,Photographic plates and film in the flat, sensitised, unexposed, of any material other than paper, paperboard or textiles; instant print film in the flat, sensitised, unexposed, whether or not in packs
370110,3701,Photographic plates and film; for x-ray, in the flat, sensitised, unexposed, of any material other than paper, paperboard or textiles
370120,3701,Photographic plates and film; instant print film, in the flat, sensitised, unexposed, whether or not in packs
370130,3701,Photographic plates and film; in the flat, sensitised, unexposed, with any side exceeding 225mm, of any materials other than paper, paperboard or textiles
370191,3701,Photographic plates and film; for colour photography (polychrome), in the flat, sensitised, unexposed, with no side exceeding 255mm, of any material other than paper, paperboard or textiles
370199,3701,Photographic plates and film; (for other than colour photography), in the flat, sensitised, unexposed, with no side exceeding 255mm, of any material other than paper, paperboard or textiles
3702,37,Photographic film in rolls, sensitised, unexposed, of any material other than paper, paperboard or textiles; instant print film in rolls, sensitised, unexposed
370210,3702,Photographic film; for x-rays, in rolls, sensitised and unexposed (other than of paper, paperboard or textiles)
370231,3702,Photographic film; for colour photography (polychrome), in rolls, sensitised, unexposed, without sprocket holes, of a width not exceeding 105mm (other than of paper, paperboard or textiles)
370232,3702,Photographic film; in rolls, with silver halide emulsion, sensitised, unexposed, without sprocket holes, of a width not exceeding 105mm (other than of paper, paperboard or textiles)
370239,3702,Photographic film; in rolls, (other than with silver halide emulsion and for colour photography), sensitised, unexposed, without sprocket holes, of a width not exceeding 105mm (other than of paper, paperboard or textiles)
370241,3702,Photographic film; for colour photography (polychrome), in rolls, sensitised, unexposed, without sprocket holes, of a width exceeding 610mm and of a length exceeding 200m (other than of paper, paperboard or textiles)
370242,3702,Photographic film; in rolls, (other than for colour photography), sensitised, unexposed, without sprocket holes, of a width exceeding 610mm and of a length exceeding 200m (other than of paper, paperboard or textiles)
370243,3702,Photographic film; in rolls, sensitised, unexposed, without sprocket holes, of a width exceeding 610mm and of a length not exceeding 200m (other than of paper, paperboard or textiles)
370244,3702,Photographic film; in rolls, sensitised, unexposed, without sprocket holes, of a width exceeding 105mm but not exceeding 610mm (other than of paper, paperboard or textiles)
370252,3702,Photographic film; for colour photography (polychrome), in rolls, sensitised, unexposed, of a width not exceeding 16mm (other than of paper, paperboard or textiles)
370253,3702,Photographic film; for colour photography (polychrome) slides, in rolls, sensitised, unexposed, of a width exceeding 16mm but not exceeding 35mm and of a length not exceeding 30m (other than of paper, paperboard or textiles)
370254,3702,Photographic film; for colour photography (polychrome), in rolls, sensitised, unexposed, of a width exceeding 16mm but not 35mm and of a length not exceeding 30m, excluding film for slides (other than of paper, paperboard or textiles)
370255,3702,Photographic film; for colour photography (polychrome), in rolls, sensitised, unexposed, of a width exceeding 16mm but not 35mm and of a length exceeding 30m (other than of paper, paperboard or textiles)
370256,3702,Photographic film; for colour photography (polychrome), in rolls, sensitised, unexposed, of a width exceeding 35mm (other than of paper, paperboard or textiles)
370296,3702,Photographic film; other than for colour photography, in rolls, sensitised, unexposed, of a width not exceeding 35mm and of a length not exceeding 30m (other than of paper, paperboard or textiles)
370297,3702,Photographic film; other than for colour photography, in rolls, sensitised, unexposed, of a width not exceeding 35mm and of a length exceeding 30m (other than paper, paperboard or textiles)
370298,3702,Photographic film; other than for colour photography, in rolls, sensitised, unexposed, of a width exceeding 35mm (other than of paper, paperboard or textiles)
3703,37,Photographic paper, paperboard and textiles; sensitised, unexposed
370310,3703,Photographic paper, paperboard and textiles; in rolls, sensitised, unexposed, of a width exceeding 610mm
370320,3703,Photographic paper, paperboard and textiles; for colour photography (polychrome), (other than in rolls of a width exceeding 610mm), sensitised, unexposed
370390,3703,Photographic paper, paperboard and textiles; (for other than colour photography, other than in rolls of a width exceeding 610mm), sensitised, unexposed
3704,37,Photographic plates, film, paper, paperboard and textiles, exposed but not developed
370400,3704,Photographic plates, film, paper, paperboard and textiles; exposed but not developed
3705,37,Photographic plates and film; exposed and developed, other than cinematographic film
370500,3705,Photographic plates and film; exposed and developed, other than cinematographic film
3706,37,Cinematographic film; exposed and developed, whether or not incorporating sound track or consisting only of sound track
370610,3706,Cinematographic film; exposed and developed, whether or not incorporating sound track or consisting only of sound track, of a width of 35cm or more
370690,3706,Cinematographic film; exposed and developed, whether or not incorporating a sound track or consisting only of sound track, of a width less than 35mm
3707,37,Chemical preparations for photographic uses (other than varnishes, glues, adhesives and similar preparations); unmixed products for photographic uses, put up in measured portions or for retail sale
370710,3707,Photographic goods; sensitised emulsions, put up in measured portions or put up for retail sale in a form ready for use
370790,3707,Photographic goods; chemical preparations other than sensitised emulsions, put up in measured portions or put up for retail sale in a form ready for use
38,VI,Chemical products n.e.c.
3801,38,Artificial graphite; colloidal or semi-colloidal graphite; preparations based on graphite or other carbon in the form of pastes, blocks, plates or other semi-manufactures
380110,3801,Graphite; artificial
380120,3801,Graphite; colloidal or semi-colloidal
380130,3801,Carbonaceous pastes; for electrodes and similar pastes for furnace linings
380190,3801,Graphite or other carbon based preparations; in the form of pastes, blocks, plates or other semi-manufactures
3802,38,Activated carbon; activated natural mineral products; animal black, including spent animal black
380210,3802,Carbon; activated
380290,3802,Chemical products; activated natural mineral products, animal black, including spent animal black
3803,38,Tall oil, whether or not refined
380300,3803,Chemical products; tall oil, whether or not refined
3804,38,Residual lyes from the manufacture of wood pulp, whether or not concentrated, desugared or chemically treated, including lignin sulphonates, but excluding tall oil of heading no. 3803
380400,3804,Lyes, residual; from the manufacture of wood pulp, whether or not concentrated, desugared or chemically treated, including lignin sulphonates but excluding tall oil of heading no. 3803
3805,38,Gum, wood or sulphate turpentine, other terpenic oils; crude dipentene; sulphite turpentine, other crude para-cymene; pine oil containing alpha-terpineol as the main constituent
380510,3805,Terpenic oils; gum, wood or sulphate turpentine oils
380590,3805,Terpenic oils; produced by the treatment of coniferous woods, crude dipentene, sulphite turpentine and other crude para-cymene, n.e.c. in heading no. 3805
3806,38,Rosin and resin acids and derivatives thereof; rosin spirit and rosin oils; run gums
380610,3806,Rosin and resin acids
380620,3806,Rosin and resin; salts of rosin, of resin acids or of derivatives of rosin or resin acids, other than salts of rosin adducts
380630,3806,Ester gums
380690,3806,Rosin; spirit and oils, n.e.c. in heading no. 3806
3807,38,Wood tar; wood tar oils; wood creosote; wood naphtha; vegetable pitch; brewers' pitch and similar preparations based on rosin, resin acids or on vegetable pitch
380700,3807,Wood tar; wood tar oils; wood creosote; wood naphtha; vegetable pitch; brewers' pitch and similar preparations based on rosin, resin acids or on vegetable pitch
3808,38,Insecticides, rodenticides, fungicides, herbicides, anti-sprouting products, plant growth regulators, disinfectants and the like, put up in forms or packings for retail sale or as preparations or articles
380852,3808,Insecticides and the like; containing goods specified in Subheading Note 1 to this Chapter; for retail sale or as preparations or articles; DDT (ISO) (clofenotane (INN)), in packings of 300g or less
380859,3808,Insecticides, rodenticides, fungicides, disinfectants, herbicides and the like; containing goods specified in Subheading Note 1 to this Chapter; not DDT (ISO) (clofenotane (INN)), put up in forms or packings for retail sale or as preparations or articles
380861,3808,Insecticides and the like; containing goods specified in Subheading Note 2 to this Chapter; in packings of a net weight content not exceeding 300g; for retail sale or as preparations or articles
380862,3808,Insecticides; containing goods specified in Subheading Note 2 to this Chapter; put up in forms or packings for retail sale or as preparations or articles, in packings of a net weight content exceeding 300g but not exceeding 7.5kg
380869,3808,Insecticides; containing goods named in Subheading Note 2 to this Chapter, put up in forms or packings for retail sale or as preparations or articles, in packings of a net weight content exceeding 7.5kg
380891,3808,Insecticides; other than containing goods specified in Subheading Notes 1 & 2 to this Chapter; put up in forms or packings for retail sale or as preparations or articles
380892,3808,Fungicides; other than containing goods specified in Subheading Note 1 to this Chapter; put up in forms or packings for retail sale or as preparations or articles
380893,3808,Herbicides, anti-sprouting products and plant-growth regulators; other than containing goods of Subheading Note 1 to this Chapter; put up in forms or packings for retail sale or as preparations or articles
380894,3808,Disinfectants; other than containing goods specified in Subheading Note 1 in this Chapter; put up in forms or packings for retail sale or as preparations or articles
380899,3808,Rodenticides and other similar products n.e.c. in heading no. 3808.9; other than containing goods specified in Subheading Note 1 in this Chapter, put up in forms or packings for retail sale or as preparations or articles
3809,38,Finishing agents, dye carriers to accelerate the dyeing, fixing of dyestuffs, other products and preparations, of a kind used in the textile, paper, leather or like industries, n.e.c. or included
380910,3809,Finishing agents and dye carriers; to accelerate dyeing or fixing of dye-stuffs, other products and preparations, used in textile, paper, leather etc industries, with basis of amylaceous substances, n.e.c.
380991,3809,Finishing agents and dye carriers; to accelerate dyeing or fixing of dye-stuffs, other products and preparations, used in the textile industry (excluding those with a basis of amylaceous substances)
380992,3809,Finishing agents and dye carriers; to accelerate dyeing or fixing of dye-stuffs, other products and preparations, used in the paper industry (excluding those with a basis of amylaceous substances)
380993,3809,Finishing agents and dye carriers; to accelerate dyeing or fixing of dye-stuffs, other products and preparations, used in the leather or like (excluding paper and textile) industries, (excluding those with a basis of amylaceous substances)
3810,38,Metal-pickling preparations; fluxes etc for soldering, brazing; welding powders, pastes of metal and other materials; preparations used as cores or coatings for welding electrodes or rods
381010,3810,Pickling preparations for metal surfaces; soldering, brazing or welding powders and pastes consisting of metal and other materials
381090,3810,Fluxes and other auxiliary preparations; for soldering, brazing or welding, or preparations used as cores or coatings for welding electrodes or rods
3811,38,Anti-knock preparations, oxidation and gum inhibitors, viscosity improvers, anti-corrosive preparations and the like, for mineral oils (including gasoline) or other liquids used for the same purposes
381111,3811,Anti-knock preparations; based on lead compounds
381119,3811,Anti-knock preparations; other than those based on lead compounds
381121,3811,Lubricating oil additives; containing petroleum oils or oils obtained from bituminous minerals
381129,3811,Lubricating oil additives; not containing petroleum oils or oils obtained from bituminous minerals
381190,3811,Oxidation and gum inhibitors, viscosity improvers, anti-corrosive preparations, other prepared additives for mineral oils or liquids used as mineral oils (including gasoline), n.e.c. in heading no. 3811
3812,38,Prepared rubber accelerators; compound plasticisers for rubber or plastics, n.e.c. or included; anti-oxidising preparations and other compound stabilisers for rubber or plastics
381210,3812,Rubber accelerators; prepared
381220,3812,Plasticisers, compound; for rubber or plastics
381231,3812,Anti-oxidising preparations and other compound stabilisers; for rubber or plastics, mixtures of oligomers of 2,2,4-trimethyl-1,2-dihydroquinoline (TMQ)
381239,3812,Anti-oxidising preparations and other compound stabilisers; for rubber or plastics, other than mixtures of oligomers of 2,2,4-trimethyl-1,2-dihydroquinoline (TMQ)
3813,38,Preparations and charges for fire extinguishers; charged fire-extinguishing grenades
381300,3813,Fire-extinguishers; preparations and charges and charged fire-extinguishing grenades
3814,38,Organic composite solvents and thinners, not elsewhere specified or included; prepared paint or varnish removers
381400,3814,Solvents and thinners; organic composite solvents and thinners, n.e.c. or included, prepared paint or varnish removers
3815,38,Reaction initiators, reaction accelerators and catalytic preparations n.e.c. or included
381511,3815,Catalysts, supported; reaction initiators, reaction accelerators and catalytic preparations, with nickel or nickel compounds as the active substance, n.e.c. or included
381512,3815,Catalysts, supported; reaction initiators, reaction accelerators and catalytic preparations, with precious metal or precious metal compounds as the active substance, n.e.c. or included
381519,3815,Catalysts, supported; reaction initiators, reaction accelerators and catalytic preparations, with an active substance other than nickel or precious metals or their compounds, n.e.c. or included
381590,3815,Reaction initiators, reaction accelerators and catalytic preparations, unsupported, n.e.c. or included
3816,38,Refractory cements, mortars, concretes and similar compositions, including dolomite ramming mix, other than products of heading 38.01
381600,3816,Refractory cements, mortars, concretes and similar compositions, including dolomite ramming mix, other than products of heading 38.01
3817,38,Mixed alkylbenzenes and mixed alkylnaphthalenes, other than those of heading no. 2707 or 2902
381700,3817,Mixed alkylbenzenes and mixed alkylnaphthalenes, other than those of heading no. 2707 or 2902
3818,38,Chemical elements doped for use in electronics, in the form of discs, wafers or similar forms; chemical compounds doped for use in electronics
381800,3818,Chemical elements; doped for use in electronics, in the form of discs, wafers or similar forms; chemical compounds doped for use in electronics
3819,38,Hydraulic brake fluids and other prepared liquids for hydraulic transmission, not containing or containing less than 70% by weight of petroleum oils or oils obtained from bituminous minerals
381900,3819,Hydraulic fluids; for brakes and other prepared liquids for hydraulic transmission, not containing or containing less than 70% by weight of petroleum oils or oils obtained from bituminous minerals
3820,38,Anti-freezing preparations and prepared de-icing fluids
382000,3820,Anti-freezing preparations and prepared de-icing fluids
3821,38,Prepared culture media for the development or maintenance of micro-organisms (including viruses and the like) or of plant, human or animal cells
382100,3821,Prepared culture media for the development or maintenance of micro-organisms (including viruses and the like) or of plant, human or animal cells
3822,38,Reagents; diagnostic or laboratory reagents on a backing, prepared diagnostic or laboratory reagents whether or not on a backing, whether or not put up in the form of kits, other than those of heading 30.06; certified reference materials
382211,3822,Reagents; diagnostic or laboratory reagents on a backing, prepared diagnostic or laboratory reagents whether or not on a backing, whether or not put up in the form of kits; for malaria
382212,3822,Reagents; diagnostic or laboratory reagents on a backing, prepared diagnostic or laboratory reagents whether or not on a backing, whether or not put up in the form of kits; for zika and other diseases transmitted by mosquitoes of the genus Aedes
382213,3822,Reagents; diagnostic or laboratory reagents on a backing, prepared diagnostic or laboratory reagents whether or not on a backing, whether or not put up in the form of kits; for blood grouping
382219,3822,Reagents; diagnostic or laboratory reagents on a backing, prepared diagnostic or laboratory reagents whether or not on a backing, whether or not put up in the form of kits; n.e.c.in item 3822.1
382290,3822,Reagents; diagnostic or laboratory reagents on a backing, prepared diagnostic or laboratory reagents whether or not on a backing, or put up in the form of kits, other than those of heading 30.06; certified reference materials, n.e.c. in heading 3822
3823,38,Industrial monocarboxylic fatty acids; acid oils from refining; industrial fatty alcohols
382311,3823,Industrial monocarboxylic fatty acids, acid oils from refining; stearic acid
382312,3823,Industrial monocarboxylic fatty acids, acid oils from refining; oleic acid
382313,3823,Industrial monocarboxylic fatty acids, acid oils from refining; tall oil fatty acids
382319,3823,Industrial monocarboxylic fatty acids; acid oils from refining; (other than stearic acid, oleic acid or tall oil fatty acids)
382370,3823,Industrial fatty alcohols
3824,38,Prepared binders for foundry moulds or cores; chemical products and preparations of the chemical or allied industries (including those consisting of mixtures of natural products), not elsewhere specified or included
382410,3824,Binders, prepared; for foundry moulds or cores
382430,3824,Metal carbides, non-agglomerated; mixed together or with metallic binders
382440,3824,Cements, mortars or concretes; their prepared additives
382450,3824,Mortars and concretes; non-refractory
382460,3824,Sorbitol; other than that of subheading no. 2905.44
382481,3824,Chemical products, mixtures and preparations; containing goods specified in Subheading Note 3 to this Chapter; containing oxirane (ethylene oxide)
382482,3824,Chemical products, mixtures and preparations; containing goods specified in Subheading Note 3 to this Chapter; containing polychlorinated biphenyls (PCBs), polychlorinated terphenyls (PCTs) or polybrominated biphenyls (PBBs)
382483,3824,Chemical products, mixtures and preparations; containing goods specified in Subheading Note 3 to this Chapter; containing tris(2,3-dibromopropyl) phosphate
382484,3824,Chemical products, mixtures and preparations; containing aldrin, camphechlor (toxaphene), chlordane, chlordecone, DDT (chlorfenotane, 1,1,1-trichloro-2,2-bis(p-chlorophenyl)ethane), dieldrin, endosulfan, endrin, heptachlor or mirex
382485,3824,Chemical products, mixtures and preparations; containing goods specified in Subheading Note 3 to this Chapter; containing 1,2,3,4,5,6-hexachlorocyclohexane (HCH (ISO)), including lindane (ISO, INN)
382486,3824,Chemical products, mixtures and preparations; containing goods specified in Subheading Note 3 to this Chapter; containing pentachlorobenzene (ISO) or hexachlorobenzene (ISO)
382487,3824,Chemical products, mixtures and preparations; containing goods specified in Subheading Note 3 to this Chapter; containing perfluorooctane sulphonic acid, its salts, perfluorooctane sulphonamides, or perfluorooctane sulphonyl fluoride
382488,3824,Chemical products, mixtures and preparations; containing goods specified in Subheading Note 3 to this Chapter; containing tetra-, penta-, hexa-, hepta- or octabromodiphenyl ethers
382489,3824,Chemical products, mixtures and preparations; containing goods specified in Subheading Note 3 to this Chapter; containing short-chain chlorinated paraffins
382491,3824,Chemical products, mixtures and preparations; consisting mainly of (5-ethyl-2-methyl-2-oxido-1,3,2-dioxaphosphinan-5-yl)methyl methyl methylphosphonate and bis[(5-ethyl-2-methyl-2-oxido-1,3,2-dioxaphosphinan-5-yl)methyl] methylphosphonate
382492,3824,Chemical products, mixtures and preparations; polyglycol esters of methylphosphonic acid
382499,3824,Chemical products, mixtures and preparations; n.e.c. heading 3824
3825,38,Residual products of the chemical or allied industries, not elsewhere specified or included; municipal waste; sewage sludge; other residual products.
382510,3825,Residual products of the chemical or allied industries, not elsewhere specified or included; municipal waste
382520,3825,Residual products of the chemical or allied industries, not elsewhere specified or included; sewage sludge
382530,3825,Residual products of the chemical or allied industries, not elsewhere specified or included; clinical waste
382541,3825,Residual products of the chemical or allied industries, not elsewhere specified or included; halogenated waste organic solvents
382549,3825,Residual products of the chemical or allied industries, not elsewhere specified or included; waste organic solvents, other than halogenated
382550,3825,Residual products of chemical or allied industries, not elsewhere specified or included; wastes of metal pickling liquors, hydraulic fluids, brake fluids and anti-freeze fluids
382561,3825,Residual products of the chemical or allied industries, not elsewhere specified or included; (other than sewage sludge, municipal waste or waste covered in 27.10); other wastes n.e.c. in 3825; those mainly containing organic constituents
382569,3825,Residual products of the chemical or allied industries, not elsewhere specified or included; (other than sewage sludge, municipal waste or waste covered by 27.10); other wastes n.e.c. in 3825; except those mainly containing organic constituents
382590,3825,Residual products of the chemical or allied industries, not elsewhere specified or included; n.e.c. in 3825 or 27.10
3826,38,Biodiesel and mixtures thereof; not containing or containing less than 70% by weight of petroleum oils or oils obtained from bituminous minerals
382600,3826,Biodiesel and mixtures thereof; not containing or containing less than 70% by weight of petroleum oils or oils obtained from bituminous minerals
3827,38,Mixtures containing halogenated derivatives of methane, ethane or propane, not elsewhere specified or included
382711,3827,Mixtures containing halogenated derivatives of methane, ethane or propane, not elsewhere specified or included; containing chlorofluorocarbons (CFCs), whether or not containing hydrochlorofluorocarbons (HCFCs), perfluorocarbons (PFCs) or hydrofluorocarbon
382712,3827,Mixtures containing halogenated derivatives of methane, ethane or propane, not elsewhere specified or included; containing hydrobromofluorocarbons (HBFCs)
382713,3827,Mixtures containing halogenated derivatives of methane, ethane or propane, not elsewhere specified or included; containing carbon tetrachloride
382714,3827,Mixtures containing halogenated derivatives of methane, ethane or propane, not elsewhere specified or included; containing 1,1,1-trichloroethane (methyl chloroform)
382720,3827,Mixtures containing halogenated derivatives of methane, ethane or propane, not elsewhere specified or included; containing bromochlorodifluoromethane (Halon-1211), bromotrifluoromethane (Halon-1301) or dibromotetrafluoroethanes (Halon-2402)
382731,3827,Mixtures containing halogenated derivatives of methane, ethane or propane; containing hydrochlorofluorocarbons (HCFCs), perfluorocarbons (PFCs) or hydrofluorocarbons (HFCs) or not, but not containing chlorofluorocarbons (CFCs); containing substances of su
382732,3827,Mixtures containing halogenated methane, ethane, propane; containing hydrochlorofluorocarbons (HCFCs), perfluorocarbons (PFCs) or hydrofluorocarbons (HFCs) or not, not chlorofluorocarbons (CFCs); containing substances of subheadings 2903.71 to 2903.75
382739,3827,Mixtures containing halogenated methane, ethane, or propane; containing hydrochlorofluorocarbons (HCFCs), perfluorocarbons (PFCs) or hydrofluorocarbons (HFCs) or not, but not chlorofluorocarbons (CFCs); n.e.c. in subheading 3827.3
382740,3827,Mixtures containing halogenated derivatives of methane, ethane or propane; containing hydrochlorofluorocarbons (HCFCs), perfluorocarbons (PFCs) or hydrofluorocarbons (HFCs) or not, but not containing chlorofluorocarbons (CFCs); containing bromomethane (me
382751,3827,Mixtures containing halogenated derivatives of methane, ethane or propane; containing trifluoromethan (HFC-23) or perfluorocarbons (PFCs) but not containing chlorofluorocarbons (CFCs) or hydrochlorofluorocarbons (HCFCs); containing trifluoromethane (HFC-2
382759,3827,Mixtures containing halogenated derivatives of methane, ethane or propane; containing trifluoromethan (HFC-23) or perfluorocarbons (PFCs) not containing chlorofluorocarbons (CFCs) or hydrochlorofluorocarbons (HCFCs); other mixtures n.e.c. in subheading 38
382761,3827,Mixtures containing halogenated derivatives of methane, ethane or propane; containing other hydrofluorocarbons (HFCs) but not containing chlorofluorocarbons (CFCs) or hydrochlorofluorocarbons (HCFCs); containing 15% or more by mass of 1,1,1-trifluoroethan
382762,3827,Mixtures containing halogenated derivatives of methane, ethane or propane; containing other hydrofluorocarbons (HFCs) but not containing chlorofluorocarbons (CFCs) or hydrochlorofluorocarbons (HCFCs); other mixtures, not included in the subheading above,
382763,3827,Mixtures containing halogenated derivatives of methane, ethane or propane; containing other hydrofluorocarbons (HFCs) but not containing chlorofluorocarbons (CFCs) or hydrochlorofluorocarbons (HCFCs); other mixtures not included in the subheadings above,
382764,3827,Mixtures containing halogenated derivatives of methane, ethane or propane; containing other hydrofluorocarbons (HFCs) but not containing chlorofluorocarbons (CFCs) or hydrochlorofluorocarbons (HCFCs); other mixtures, not included in the subheadings above,
382765,3827,Mixtures containing halogenated derivatives of methane, ethane or propane; containing other hydrofluorocarbons (HFCs) but not containing chlorofluorocarbons (CFCs) or hydrochlorofluorocarbons (HCFCs); other mixtures, not included in the subheadings above,
382768,3827,Mixtures containing halogenated derivatives of methane, ethane or propane; containing other hydrofluorocarbons (HFCs) but not containing chlorofluorocarbons (CFCs) or hydrochlorofluorocarbons (HCFCs); other mixtures, not included in the subheadings above,
382769,3827,Mixtures containing halogenated derivatives of methane, ethane or propane; containing other hydrofluorocarbons (HFCs) but not containing chlorofluorocarbons (CFCs) or hydrochlorofluorocarbons (HCFCs); n.e.c. in items no. 3827.5 and 3827.6, not containing
382790,3827,Mixtures containing halogenated derivatives of methane, ethane or propane; n.e.c. in subheading no 3827
39,VII,Plastics and articles thereof
3901,39,Polymers of ethylene, in primary forms
390110,3901,Ethylene polymers; in primary forms, polyethylene having a specific gravity of less than 0.94
390120,3901,Ethylene polymers; in primary forms, polyethylene having a specific gravity of 0.94 or more
390130,3901,Ethylene polymers; in primary forms, ethylene-vinyl acetate copolymers
390140,3901,Ethylene polymers; in primary forms, ethylene-alpha-olefin copolymers, having a specific gravity of less than 0.94
390190,3901,Ethylene polymers; in primary forms, n.e.c. in heading no. 3901
3902,39,Polymers of propylene or of other olefins, in primary forms
390210,3902,Propylene, other olefin polymers; polypropylene in primary forms
390220,3902,Propylene, other olefin polymers; polyisobutylene in primary forms
390230,3902,Propylene, other olefin polymers; propylene copolymers in primary forms
390290,3902,Propylene, other olefin polymers; n.e.c. in heading no. 3902, in primary forms
3903,39,Polymers of styrene, in primary forms
390311,3903,Styrene polymers; expansible polystyrene, in primary forms
390319,3903,Styrene polymers; (other than expansible polystyrene), in primary forms
390320,3903,Styrene polymers; styrene-acrylonitrile (SAN) copolymers, in primary forms
390330,3903,Styrene polymers; acrylonitrile-butadiene-styrene (ABS) copolymers, in primary forms
390390,3903,Styrene polymers; in primary forms, n.e.c. in heading no. 3903
3904,39,Polymers of vinyl chloride or of other halogenated olefins, in primary forms
390410,3904,Vinyl chloride, other halogenated olefin polymers; poly(vinyl chloride), not mixed with any other substances, in primary forms
390421,3904,Vinyl chloride, other halogenated olefin polymers; non-plasticised poly(vinyl chloride), in primary forms, mixed with other substances
390422,3904,Vinyl chloride, other halogenated olefin polymers; plasticised poly(vinyl chloride), in primary forms, mixed with other substances
390430,3904,Vinyl chloride, other halogenated olefin polymers; vinyl chloride-vinyl acetate copolymers, in primary forms
390440,3904,Vinyl chloride, other halogenated olefin polymers; vinyl chloride copolymers, in primary forms n.e.c. in heading no. 3904
390450,3904,Vinyl chloride, other halogenated olefin polymers; vinylidene chloride polymers, in primary forms
390461,3904,Halogenated olefin polymers; fluoro-polymers, polytetrafluoroethylene, in primary forms
390469,3904,Halogenated olefin polymers; fluoro-polymers (other than polytetrafluoroethylene), in primary forms
390490,3904,Vinyl chloride, other halogenated olefin polymers; n.e.c. in heading no. 3904
3905,39,Polymers of vinyl acetate or of other vinyl esters, in primary forms; other vinyl polymers in primary forms
390512,3905,Poly(vinyl acetate); in aqueous dispersion, in primary forms
390519,3905,Poly(vinyl acetate); (other than in aqueous dispersion), in primary forms
390521,3905,Vinyl acetate copolymers; in aqueous dispersion, in primary forms
390529,3905,Vinyl acetate copolymers; (other than in aqueous dispersion), in primary forms
390530,3905,Poly(vinyl alcohol); whether or not containing unhydrolysed acetate groups
390591,3905,Vinyl acetate, vinyl ester polymers, vinyl polymers; n.e.c. in heading no. 3905, in primary forms, copolymers
390599,3905,Vinyl acetate, vinyl ester polymers, vinyl polymers; n.e.c. in heading no. 3905, in primary forms, other than copolymers
3906,39,Acrylic polymers in primary forms
390610,3906,Acrylic polymers; poly(methyl methacrylate), in primary forms
390690,3906,Acrylic polymers; (other than polymethyl methacrylate), in primary forms
3907,39,Polyacetals, other polyethers and epoxide resins, in primary forms; polycarbonates, alkyd resins, polyallyl esters and other polyesters, in primary forms
390710,3907,Polyacetals; in primary forms
390721,3907,Polyethers other than polyacetals; in primary forms, bis(polyoxyethylene) methylphosphonate
390729,3907,Polyethers other than polyacetals, and bis(polyoxyethylene) methylphosphonate; in primary forms
390730,3907,Epoxide resins; in primary forms
390740,3907,Polycarbonates; in primary forms
390750,3907,Alkyd resins; in primary forms
390761,3907,Poly(ethylene terephthalate); in primary forms, having a viscosity of 78ml/g or higher
390769,3907,Poly(ethylene terephthalate); in primary forms, having a viscosity of less than 78ml/g
390770,3907,Poly(lactic acid); in primary forms
390791,3907,Polyesters; n.e.c. in heading no. 3907, unsaturated, in primary forms
390799,3907,Polyesters; n.e.c. in heading no. 3907, saturated, in primary forms
3908,39,Polyamides in primary forms
390810,3908,Polyamides; polyamide-6, -11, -12, -6,6, -6,9, -6,10 or -6,12, in primary forms
390890,3908,Polyamides; n.e.c. in heading no. 3908, in primary forms
3909,39,Amino-resins, phenolic resins and polyurethanes, in primary forms
390910,3909,Amino-resins; urea and thiourea resins, in primary forms
390920,3909,Amino-resins; melamine resins, in primary forms
390931,3909,Amino-resins; n.e.c. in heading no. 3909, in primary forms, poly(methylene phenyl isocyanate) (Crude MDI, polymeric MDI)
390939,3909,Amino-resins; n.e.c. in heading no. 3909, in primary forms, other than poly(methylene phenyl isocyanate) (Crude MDI, polymeric MDI)
390940,3909,Phenolic resins; in primary forms
390950,3909,Polyurethanes; in primary forms
3910,39,Silicones in primary forms
391000,3910,Silicones; in primary forms
3911,39,Petroleum resins, coumarone-indene resins, polyterpenes, polysulphides, polysulphones and similar products of chemical synthesis n.e.c. in chapter 39, in primary forms
391110,3911,Petroleum resins, coumarone, indene or coumarone-indene resins and polyterpenes; in primary forms
391120,3911,Petroleum resins, poly(1,3-phenylene methylphosphonate), in primary forms
391190,3911,Polysulphides, polysulphones and similar products of chemical synthesis n.e.c. in chapter 39; in primary forms
3912,39,Cellulose and its chemical derivatives, n.e.c. or included, in primary forms
391211,3912,Cellulose acetates; non-plasticised, in primary forms
391212,3912,Cellulose acetates; plasticised, in primary forms
391220,3912,Cellulose nitrates (including collodions); in primary forms
391231,3912,Cellulose ethers; carboxymethylcellulose and its salts, in primary forms
391239,3912,Cellulose ethers; (other than carboxymethylcellulose and its salts), in primary forms
391290,3912,Cellulose and its chemical derivatives; n.e.c. in item no. 3912, in primary forms
3913,39,Natural polymers (e.g. alginic acid) and modified natural polymers (e.g. hardened proteins, chemical derivatives of natural rubber), n.e.c. or included, in primary forms
391310,3913,Polymers, natural; alginic acid, its salts and esters, in primary forms
391390,3913,Polymers, natural and modified natural; in primary forms (excluding alginic acid, its salts and esters)
3914,39,Ion-exchangers; based on polymers of heading no. 3901 to 3913, in primary forms
391400,3914,Ion-exchangers; based on polymers of heading no. 3901 to 3913, in primary forms
3915,39,Waste, parings and scrap, of plastics
391510,3915,Ethylene polymers; waste, parings and scrap
391520,3915,Styrene polymers; waste, parings and scrap
391530,3915,Vinyl chloride polymers; waste, parings and scrap
391590,3915,Plastics n.e.c. in heading no. 3915; waste, parings and scrap
3916,39,Monofilament of which any cross-sectional dimension exceeds 1mm, rods, sticks and profile shapes, whether or not surface-worked but not otherwise worked, of plastics
391610,3916,Ethylene polymers; monofilament, of which any cross-sectional dimension exceeds 1mm, rods, sticks and profile shapes, whether or not surface-worked but not otherwise worked
391620,3916,Vinyl chloride polymers; monofilament, of which any cross-sectional dimension exceeds 1mm, rods, sticks and profile shapes, whether or not surface-worked but not otherwise worked
391690,3916,Plastics; monofilament, of plastics n.e.c. in heading no. 3916, cross-sectional dimension exceeds 1mm, rods, sticks and profile shapes, whether or not surface-worked but not otherwise worked
3917,39,Tubes, pipes and hoses and fittings thereof (for example, joints, elbows, flanges), of plastics
391710,3917,Plastics; artificial guts (sausage casings) of hardened protein or of cellulosic materials
391721,3917,Plastics; tubes, pipes and hoses thereof, rigid, of polymers of ethylene
391722,3917,Plastics; tubes, pipes and hoses thereof, rigid, of polymers of propylene
391723,3917,Plastics; tubes, pipes and hoses thereof, rigid, of polymers of vinyl chloride
391729,3917,Plastics; tubes, pipes and hoses thereof, rigid, of plastics n.e.c. in heading no. 3917
391731,3917,Plastics; tubes, pipes and hoses thereof, flexible, having a minimum burst pressure of 27.6MPa
391732,3917,Plastics; tubes, pipes and hoses thereof, other than those of item no. 3917.31, not reinforced or otherwise combined with other materials, without fittings
391733,3917,Plastics; tubes, pipes and hoses thereof, other than those of item no. 3917.31, not reinforced or otherwise combined with other materials, with fittings
391739,3917,Plastics; tubes, pipes and hoses thereof, n.e.c. in item no. 3917.30
391740,3917,Plastics; tube, pipe and hose fittings (e.g. joints, elbows, flanges)
3918,39,Floor coverings of plastics, self-adhesive or not, in rolls or tiles; wall or ceiling coverings of plastics, in rolls of a width not less than 45cm
391810,3918,Floor, wall or ceiling coverings; of polymers of vinyl chloride, whether or not self-adhesive, in rolls or in the form of tiles
391890,3918,Floor, wall or ceiling coverings; of plastics (excluding polymers of vinyl chloride), whether or not self-adhesive, in rolls or in the form of tiles
3919,39,Self-adhesive plates, sheets, film, foil, tape, strip and other flat shapes, of plastics, whether or not in rolls
391910,3919,Plastics; plates, sheets, film, foil, tape, strip, other flat shapes thereof, self-adhesive, in rolls of a width not exceeding 20cm
391990,3919,Plastics; plates, sheets, film, foil, tape, strip, other flat shapes thereof, self-adhesive, other than in rolls of a width not exceeding 20cm
3920,39,Plastics; plates, sheets, film, foil and strip (not self-adhesive); non-cellular and not reinforced, laminated, supported or similarly combined with other materials, n.e.c. in chapter 39
392010,3920,Plastics; plates, sheets, film, foil and strip (not self-adhesive), of polymers of ethylene, non-cellular and not reinforced, laminated, supported or similarly combined with other materials
392020,3920,Plastics; of polymers of propylene, plates, sheets, film, foil and strip (not self-adhesive), non-cellular and not reinforced, laminated, supported or similarly combined with other materials
392030,3920,Plastics; of polymers of styrene, plates, sheets, film, foil and strip (not self-adhesive), non-cellular and not reinforced, laminated, supported or similarly combined with other materials
392043,3920,Plastics; polymers of vinyl chloride, containing by weight not less than 6% of plasticisers; plates, sheets, film, foil and strip (not self-adhesive), non-cellular and not reinforced, laminated, supported or similarly combined with other materials
392049,3920,Plastics; polymers of vinyl chloride, containing by weight, less than 6% of plasticisers; plates, sheets, film, foil and strip (not self-adhesive), non-cellular and not reinforced, laminated, supported or similarly combined with other materials
392051,3920,Plastics; of acrylic polymers, polymethyl methacrylate, plates, sheets, film, foil and strip (not self-adhesive), non-cellular and not reinforced, laminated, supported or similarly combined with other materials
392059,3920,Plastics; of acrylic polymers (excluding polymethyl methacrylate), plates, sheets, film, foil and strip (not self-adhesive), non-cellular and not reinforced, laminated, supported or similarly combined with other materials
392061,3920,Plastics; plates, sheets, film, foil and strip (not self-adhesive), of polycarbonates, non-cellular and not reinforced, laminated, supported or similarly combined with other materials
392062,3920,Plastics; plates, sheets, film, foil and strip (not self-adhesive), of poly(ethylene terephthalate), non-cellular and not reinforced, laminated, supported or similarly combined with other materials
392063,3920,Plastics; plates, sheets, film, foil and strip (not self-adhesive), of unsaturated polyesters, non-cellular and not reinforced, laminated, supported or similarly combined with other materials
392069,3920,Plastics; plates, sheets, film, foil and strip (not self-adhesive), of polyesters n.e.c. in heading no. 3920, non-cellular and not reinforced, laminated, supported or similarly combined with other materials
392071,3920,Plastics; plates, sheets, film, foil and strip (not self-adhesive), of regenerated cellulose; non-cellular and not reinforced, laminated, supported or similarly combined with other materials
392073,3920,Plastics; plates, sheets, film, foil and strip (not self-adhesive), of cellulose acetate, non-cellular and not reinforced, laminated, supported or similarly combined with other materials
392079,3920,Plastics; plates, sheets, film, foil and strip (not self-adhesive), of cellulose derivatives n.e.c. in heading no. 3920, non-cellular and not reinforced, laminated, supported or similarly combined with other materials
392091,3920,Plastics; plates, sheets, film, foil and strip (not self-adhesive), of poly(vinyl butyral), non-cellular and not reinforced, laminated, supported or similarly combined with other materials
392092,3920,Plastics; plates, sheets, film, foil and strip (not self-adhesive), of polyamides, non-cellular and not reinforced, laminated, supported or similarly combined with other materials
392093,3920,Plastics; plates, sheets, film, foil and strip (not self-adhesive), of amino-resins, non-cellular and not reinforced, laminated, supported or similarly combined with other materials
392094,3920,Plastics; plates, sheets, film, foil and strip (not self-adhesive), of phenolic resins, non-cellular and not reinforced, laminated, supported or similarly combined with other materials
392099,3920,Plastics; plates, sheets, film, foil and strip (not self-adhesive), of plastics n.e.c. in heading no. 3920, non-cellular and not reinforced, laminated, supported or similarly combined with other materials
3921,39,Plastic plates, sheets, film, foil and strip n.e.c. in chapter 39
392111,3921,Plastics; plates, sheets, film, foil and strip, of polymers of styrene, cellular
392112,3921,Plastics; plates, sheets, film, foil and strip, of polymers of vinyl chloride, cellular
392113,3921,Plastics; plates, sheets, film, foil and strip, of polyurethanes, cellular
392114,3921,Plastics; plates, sheets, film, foil and strip, of regenerated cellulose, cellular
392119,3921,Plastics; plates, sheets, film, foil and strip, of plastics n.e.c. in heading no. 3921, cellular
392190,3921,Plastics; plates, sheets, film, foil and strip, other than cellular
3922,39,Sanitary ware; baths, shower-baths, sinks, wash-basins, bidets, lavatory pans, seats and covers, flushing cisterns and sanitary ware, of plastics
392210,3922,Plastics; baths, shower-baths, sinks and wash-basins
392220,3922,Plastics; lavatory seats and covers
392290,3922,Plastics; bidets, lavatory pans, flushing cisterns and similar sanitary ware n.e.c. in heading no. 3922
3923,39,Plastic articles for the conveyance or packing of goods; stoppers, lids, caps and other closures of plastics
392310,3923,Plastics; boxes, cases, crates and similar articles for the conveyance or packing of goods
392321,3923,Ethylene polymers; sacks and bags (including cones), for the conveyance or packing of goods
392329,3923,Plastics; sacks and bags (including cones), for the conveyance or packing of goods, of plastics other than ethylene polymers
392330,3923,Plastics; carboys, bottles, flasks and similar articles, for the conveyance or packing of goods
392340,3923,Plastics; spools, cops, bobbins and similar supports, for the conveyance or packing of goods
392350,3923,Plastics; stoppers, lids, caps and other closures, for the conveyance or packing of goods
392390,3923,Plastics; articles for the conveyance or packing of goods n.e.c. in heading no. 3923
3924,39,Tableware, kitchenware, other household articles and hygienic or toilet articles, of plastics
392410,3924,Plastics; tableware and kitchenware
392490,3924,Plastics; household articles and hygienic or toilet articles
3925,39,Plastics; builders' wares n.e.c. or included
392510,3925,Plastics; builders' ware, reservoirs, tanks, vats and similar containers of a capacity exceeding 300 litres
392520,3925,Plastics; builders' ware, doors, windows and their frames and thresholds for doors
392530,3925,Plastics; builders' ware, shutters, blinds (including venetian blinds) and similar articles and parts thereof
392590,3925,Plastics; builders' ware, n.e.c. or included in heading no. 3925
3926,39,Articles of plastics and articles of other materials of heading no. 3901 to 3914, n.e.c. in chapter 39
392610,3926,Plastics; office or school supplies
392620,3926,Plastics; articles of apparel and clothing accessories (including gloves, mittens and mitts)
392630,3926,Plastics; fittings for furniture, coachwork or the like
392640,3926,Plastics; statuettes and other ornamental articles
392690,3926,Plastics; other articles n.e.c. in chapter 39
40,VII,Rubber and articles thereof
4001,40,Natural rubber, balata, gutta-percha, guayule, chicle and similar gums; in primary forms or in plates, sheets or strip
400110,4001,Rubber; natural rubber latex, whether or not pre-vulcanised, in primary forms or in plates, sheets or strip
400121,4001,Rubber; natural (excluding latex), in smoked sheets
400122,4001,Rubber; technically specified natural rubber (TSNR), in primary forms or in plates, sheets or strip (excluding latex and smoked sheets)
400129,4001,Rubber; natural (excluding latex, technically specified natural rubber and smoked sheets), in primary forms or in plates, sheets or strip
400130,4001,Balata, gutta-percha, guayule, chicle and similar natural gums; in primary forms or in plates, sheets or strip
4002,40,Synthetic rubber and factice derived from oils, in primary forms or in plates, sheets or strip; mixtures of heading no. 4001 and 4002, in primary forms or in plates, sheets or strip
400211,4002,Rubber; synthetic, styrene-butadiene rubber (SBR) and carboxylated styrene-butadiene rubber (XSBR) latex, in primary forms or in plates, sheets or strip
400219,4002,Rubber; synthetic, styrene-butadiene rubber (SBR) and carboxylated styrene-butadiene rubber (XSBR), (other than latex), in primary forms or in plates, sheets or strip
400220,4002,Rubber; synthetic, butadiene rubber (BR), in primary forms or in plates, sheets or strip
400231,4002,Rubber; synthetic, isobutene-isoprene (butyl) rubber (IIR), in primary forms or in plates, sheets or strip
400239,4002,Rubber; synthetic, halo-isobutene-isoprene rubber (CIIR or BIIR), in primary forms or in plates, sheets or strip
400241,4002,Rubber; synthetic, chloroprene (chlorobutadiene) rubber (CR), latex, in primary forms or in plates, sheets or strip
400249,4002,Rubber; synthetic, chloroprene (chlorobutadiene) rubber (CR), (other than latex), in primary forms or in plates, sheets or strip
400251,4002,Rubber; synthetic, acrylonitrile-butadiene rubber (NBR), latex, in primary forms or in plates, sheets or strip
400259,4002,Rubber; synthetic, acrylonitrile-butadiene rubber (NBR), (other than latex), in primary forms or in plates, sheets or strip
400260,4002,Rubber; synthetic, isoprene rubber (IR), in primary forms or in plates, sheets or strip
400270,4002,Rubber; synthetic, ethylene-propylene-non-conjugated diene rubber (EPDM), in primary forms or in plates, sheets or strip
400280,4002,Rubber; mixtures of natural and synthetic rubbers of heading no. 4001 and 4002, in primary forms or in plates, sheets or strip
400291,4002,Rubber; synthetic, n.e.c. in heading 4002, latex, in primary forms or in plates, sheets or strip
400299,4002,Rubber; synthetic, n.e.c. in heading 4002, (other than latex), in primary forms or in plates, sheets or strip
4003,40,Reclaimed rubber in primary forms or in plates, sheets or strip
400300,4003,Rubber; reclaimed rubber, in primary forms or in plates, sheets or strip
4004,40,Waste, parings and scrap of rubber (other than hard rubber) and powders and granules obtained therefrom
400400,4004,Rubber; waste, parings and scrap of rubber (other than hard rubber) and powders and granules obtained therefrom
4005,40,Compounded rubber, unvulcanised, in primary forms or in plates, sheets or strip
400510,4005,Rubber; unvulcanised, compounded with carbon black or silica, in primary forms or in plates, sheets or strip
400520,4005,Rubber; unvulcanised, compounded, solutions and dispersions other than those of item no. 4005.10
400591,4005,Rubber; unvulcanised, (compounded other than with carbon black or silica), in plates, sheets and strip
400599,4005,Rubber; unvulcanised, (compounded other than with carbon black or silica), in primary forms, (other than plates, sheets, strip, solutions or dispersions)
4006,40,Unvulcanised rubber in other forms (e.g. rods, tubes and profile shapes) and articles (e.g. discs and rings)
400610,4006,Rubber; unvulcanised, camel-back strips for retreading rubber tyres
400690,4006,Rubber; unvulcanised, other than camel back strips for retreading rubber tyres
4007,40,Vulcanised rubber thread and cord
400700,4007,Rubber; vulcanised, thread and cord
4008,40,Plates, sheets, strip, rods and profile shapes, of vulcanised rubber other than hard rubber
400811,4008,Rubber; vulcanised (other than hard rubber), in plates, sheets and strip of cellular rubber
400819,4008,Rubber; vulcanised (other than hard rubber), cellular rubber, (other than in plates, sheets or strip)
400821,4008,Rubber; vulcanised (other than hard rubber), in plates, sheets and strip, of non-cellular rubber
400829,4008,Rubber; vulcanised (other than hard rubber), non-cellular rubber, in forms other than plates, sheets or strip
4009,40,Tubes, pipes and hoses, of vulcanised rubber (other than hard rubber), with or without their fittings (e.g. joints, elbows, flanges)
400911,4009,Rubber; vulcanised (other than hard rubber), tubing, piping and hoses, not reinforced or otherwise combined with other materials, without fittings
400912,4009,Rubber; vulcanised (other than hard rubber), tubing, piping and hoses, not reinforced or otherwise combined with other materials, with fittings
400921,4009,Rubber; vulcanised (other than hard rubber), tubing, piping and hoses, reinforced or otherwise combined only with metal, without fittings
400922,4009,Rubber; vulcanised (other than hard rubber), tubing, piping and hoses, reinforced or otherwise combined only with metal, with fittings
400931,4009,Rubber; vulcanised (other than hard rubber), tubing, piping and hoses, reinforced or otherwise combined only with textile materials, without fittings
400932,4009,Rubber; vulcanised (other than hard rubber), tubing, piping and hoses, reinforced or otherwise combined only with textile materials, with fittings
400941,4009,Rubber; vulcanised (other than hard rubber), tubing, piping and hoses, reinforced or otherwise combined with materials other than metal or textiles, without fittings
400942,4009,Rubber; vulcanised (other than hard rubber), tubing, piping and hoses, reinforced or otherwise combined with materials other than metal or textiles, with fittings
4010,40,Conveyor or transmission belts or belting, of vulcanised rubber
401011,4010,Rubber; vulcanised, conveyor belts or belting, reinforced only with metal
401012,4010,Rubber; vulcanised, conveyor belts or belting, reinforced only with textile materials
401019,4010,Rubber; vulcanised, conveyor belts or belting, (reinforced with other than metal only or textile materials only)
401031,4010,Rubber; vulcanised, endless transmission belts of trapezoidal cross-section (V-belts), V-ribbed, of an outside circumference exceeding 60cm but not exceeding 180 cm
401032,4010,Rubber; vulcanised, endless transmission belts of trapezoidal cross-section (V-belts), other than V-ribbed, of an outside circumference exceeding 60cm but not exceeding 180 cm
401033,4010,Rubber; vulcanised, endless transmission belts of trapezoidal cross-section (V-belts), V-ribbed, of an outside circumference exceeding 180cm but not exceeding 240 cm
401034,4010,Rubber; vulcanised, endless transmission belts of trapezoidal cross-section (V-belts), other than V-ribbed, of an outside circumference exceeding 180cm but not exceeding 240 cm
401035,4010,Rubber; vulcanised, endless synchronous belts, of an outside circumference exceeding 60 cm but not exceeding 150 cm
401036,4010,Rubber; vulcanised, endless synchronous belts, of an outside circumference exceeding 150 cm but not exceeding 198 cm
401039,4010,Rubber; vulcanised, conveyor or transmission belts or belting, n.e.c. in heading no. 4010
4011,40,New pneumatic tyres, of rubber
401110,4011,Rubber; new pneumatic tyres, of a kind used on motor cars (including station wagons and racing cars)
401120,4011,Rubber; new pneumatic tyres, of a kind used on buses or lorries
401130,4011,Rubber; new pneumatic tyres, of a kind used on aircraft
401140,4011,Rubber; new pneumatic tyres, of a kind used on motorcycles
401150,4011,Rubber; new pneumatic tyres, of a kind used on bicycles
401170,4011,Rubber; new pneumatic tyres, of a kind used on agricultural or forestry vehicles and machines
401180,4011,Rubber; new pneumatic tyres, of a kind used on construction, mining or industrial handling vehicles and machines
401190,4011,Rubber; new pneumatic tyres, of a kind used on light commercial vehicles
4012,40,Retreaded or used pneumatic tyres of rubber; solid or cushion tyres, tyre treads and tyre flaps, of rubber
401211,4012,Retreaded tyres; of a kind used on motor cars (including station wagons and racing cars)
401212,4012,Retreaded tyres; of a kind used on motor buses or lorries
401213,4012,Retreaded tyres; of a kind used on aircraft
401219,4012,Retreaded tyres; other than of a kind used on motor cars (including station wagons and racing cars), buses and lorries and aircraft
401220,4012,Rubber; used pneumatic tyres
401290,4012,Rubber; tyres n.e.c. in heading no. 4012
4013,40,Inner tubes, of rubber
401310,4013,Rubber; inner tubes, of a kind used on motorcars (including station wagons and racing cars), buses and lorries
401320,4013,Rubber; inner tubes, of a kind used on bicycles
401390,4013,Rubber; inner tubes, n.e.c. in heading no. 4013
4014,40,Hygienic or pharmaceutical articles (including teats), of vulcanised rubber other than hard rubber, with or without fittings of hard rubber
401410,4014,Rubber; vulcanised (other than hard rubber), sheath contraceptives
401490,4014,Rubber; vulcanised (other than hard rubber), hygienic or pharmaceutical articles (excluding sheath contraceptives), with or without fittings of hard rubber
4015,40,Articles of apparel and clothing accessories (including gloves, mittens and mitts), for all purposes, of vulcanised rubber other than hard rubber
401512,4015,Rubber; vulcanised (other than hard rubber), gloves, of a kind used for medical, surgical, dental or veterinary purposes
401519,4015,Rubber; vulcanised (other than hard rubber), gloves, mittens and mitts other than surgical gloves
401590,4015,Rubber; vulcanised (other than hard rubber), articles of apparel and clothing accessories (other than gloves, mittens and mitts)
4016,40,Articles of vulcanised rubber other than hard rubber, n.e.c. in chapter 40
401610,4016,Rubber; vulcanised (other than hard rubber), moulded rubber mats and mats of non-rectangular shape made by cutting from the piece, of cellular rubber
401691,4016,Rubber; vulcanised (other than hard rubber), floor coverings and mats, of non-cellular rubber
401692,4016,Rubber; vulcanised (other than hard rubber), erasers, of non-cellular rubber
401693,4016,Rubber; vulcanised (other than hard rubber), gaskets, washers and other seals, of non-cellular rubber
401694,4016,Rubber; vulcanised (other than hard rubber), boat or dock fenders, whether or not inflatable, of non-cellular rubber
401695,4016,Rubber; vulcanised (other than hard rubber), inflatable articles (other than boat or dock fenders), of non-cellular rubber
401699,4016,Rubber; vulcanised (other than hard rubber), articles n.e.c. in heading no. 4016, of non-cellular rubber
4017,40,Hard rubber (e.g. ebonite) in all forms, including waste and scrap; articles of hard rubber
401700,4017,Rubber; ebonite and other hard rubbers in all forms, including waste and scrap, and articles of hard rubber
41,VIII,Raw hides and skins (other than furskins) and leather
4101,41,Raw hides and skins of bovine (including buffalo) or equine animals (fresh, salted, dried, limed, pickled, otherwise preserved but not tanned, parchment dressed or further prepared), whether or not dehaired or split
410120,4101,Raw hides and skins; whole, unsplit, of bovine or equine animals, of a weight per skin not exceeding 8kg when simply dried, 10kg when dry-salted or 16kg when fresh, wet-salted or otherwise preserved
410150,4101,Hides and skins; raw, whole, of bovine or equine animals, of a weight per skin exceeding 16 kg
410190,4101,Hides and skins; other than whole, but including butts, bends and bellies, of bovine (including. buffalo) and equine animals, fresh, salted or preserved, but not tanned, parchment dressed or further prepared, whether or not dehaired or split
4102,41,Raw skins of sheep or lambs (fresh, salted, dried, limed, pickled or otherwise preserved, but not further prepared), whether or not with wool on or split
410210,4102,Skins; raw, of sheep or lambs, fresh, or salted, dried, limed, pickled or otherwise preserved, (but not tanned, parchment-dressed or further prepared), with wool on
410221,4102,Skins; raw, of sheep or lambs, pickled (but not tanned, parchment-dressed or further preserved), without wool on
410229,4102,Hides and skins; raw, of animals n.e.c. in this chapter, fresh, salted, dried, limed, pickled or otherwise preserved, (but not tanned, parchment-dressed or further prepared), whether or not dehaired or split
4103,41,Raw hides and skins n.e.c in headings no. 4101, 4102; fresh, salted, dried, pickled or otherwise preserved, not further prepared, whether or not dehaired or split
410320,4103,Hides and skins; raw, of reptiles (fresh or salted, dried, limed, pickled or otherwise preserved, but not tanned, parchment-dressed or further prepared), whether or not dehaired or split
410330,4103,Hides and skins; raw, of swine, (fresh or salted, dried, limed, pickled or otherwise preserved, but not tanned, parchment-dressed or further prepared), whether or not dehaired or split
410390,4103,Hides and skins; raw, of animals n.e.c. in this chapter, fresh, salted, dried, limed, pickled or otherwise preserved, (but not tanned, parchment-dressed or further prepared), whether or not dehaired or split
4104,41,Tanned or crust hides and skins of bovine (including buffalo) or equine animals, without hair on, whether or not split, but not further prepared
410411,4104,Tanned or crust hides and skins; without hair on, bovine or equine, in the wet state (including wet-blue), full grains, unsplit; grain splits
410419,4104,Tanned or crust hides and skins; bovine or equine, without hair on, in the wet state (including wet-blue), excluding full grains, unsplit; grain splits
410441,4104,Tanned or crust hides and skins; bovine or equine, without hair on, in the dry state (crust), full grains, unsplit; grain splits
410449,4104,Tanned or crust hides and skins; bovine or equine, without hair on, in the dry state (crust), (other than full grains, unsplit; grain splits)
4105,41,Tanned or crust skins of sheep and lambs, without wool on, whether or not split, but not further prepared
410510,4105,Tanned or crust skins of sheep or lambs, without wool on, whether or not split, but not further prepared, in the wet state (including wet-blue)
410530,4105,Tanned or crust skins; of sheep or lambs, without wool on, whether or not split, but not further prepared, in the dry state (crust)
4106,41,Tanned or crust hides and skins of other animals, without wool or hair on, whether or not split, but not further prepared
410621,4106,Tanned or crust hides and skins; of goats or kids, without wool or hair on, whether or not split, but not further prepared, in the wet state (including wet-blue)
410622,4106,Tanned or crust hides and skins; of goats or kids, without hair on, whether or not split, but not further prepared, in the dry state (crust)
410631,4106,Tanned or crust hides and skins; of swine, without hair on, whether or not split, but not further prepared, in the wet state (including wet-blue)
410632,4106,Tanned or crust hides and skins; of swine, without hair on, whether or not split, but not further prepared, in the dry state (crust)
410640,4106,Tanned or crust hides and skins; of reptiles, whether or not split, but not further prepared
410691,4106,Tanned or crust hides and skins; of animals other than equine, ovine, bovine, goats or kids, swine and reptiles, without wool or hair on, whether or not split, but not further prepared, in the wet state (including wet-blue)
410692,4106,Tanned or crust hides and skins; of animals other than equine, ovine, bovine, goats or kids, swine and reptiles, without wool or hair on, whether or not split, but not further prepared, in the dry state (crust)
4107,41,Leather further prepared after tanning or crusting, including parchment-dressed leather, of bovine (including buffalo) or equine animals, without hair on, whether or not split, other than leather of heading 41.14
410711,4107,Leather; further prepared after tanning or crusting, including parchment-dressed leather, of bovine (including buffalo) or equine animals, without hair on, other than leather of heading 41.14, whole hides and skins, full grain, unsplit
410712,4107,Leather; further prepared after tanning or crusting, including parchment-dressed leather, of bovine (including buffalo) or equine animals, without hair on, other than leather of heading 41.14, whole hides and skins, grain splits
410719,4107,Leather; further prepared after tanning or crusting, including parchment-dressed, of bovine (including buffalo) or equine animals, without hair on, split or not, other than leather of heading 41.14, (other than grain splits and full grains, unsplit)
410791,4107,Leather; further prepared after tanning or crusting, including parchment-dressed, of bovine (including buffalo) or equine animals, without hair on, other than leather of heading 41.14, not whole hides and skins, but including sides, full grain, unsplit
410792,4107,Leather; further prepared after tanning or crusting, including parchment-dressed, of bovine (including buffalo) or equine animals, without hair on, other than leather of heading 41.14, not whole hides and skins, but including sides, grain splits
410799,4107,Leather; further prepared after tanning or crusting, incl. parchment-dressed, of bovine (including buffalo) or equine animals, no hair, excluding leather of heading 41.14, and whole hides and skins, and sides, (full grains, unsplit and grain splits)
4112,41,Leather further prepared after tanning or crusting, including parchment dressed leather, of sheep or lamb, without wool on, whether or not split, other than leather of heading 41.14
411200,4112,Leather; further prepared after tanning or crusting, including parchment dressed leather, of sheep or lamb, without wool on, whether or not split, other than leather of heading 41.14
4113,41,Leather further prepared after tanning or crusting, including parchment-dressed leather, of animals (other than ovine), without wool or hair on, whether or not split, other than leather of heading 41.14
411310,4113,Leather; further prepared after tanning or crusting, including parchment-dressed leather, without hair on, whether or not split, other than leather of heading 41.14, of goats and kids
411320,4113,Leather; further prepared after tanning or crusting, including parchment-dressed leather, without hair on, whether or not split, other than leather of heading 41.14, of swine
411330,4113,Leather; further prepared after tanning or crusting, including parchment-dressed leather, of reptiles, whether or not split, other than leather of heading 41.14
411390,4113,Leather; further prepared after tanning or crusting, including parchment-dressed leather, of animals (other than sheep and lambs, goats and kids, swine and reptiles), without wool or hair on, whether or not split, other than leather of heading 41.14
4114,41,Chamois (including combination chamois) leather; patent leather and patent laminated leather; metallised leather
411410,4114,Leather; chamois (including combination chamois)
411420,4114,Leather; patent leather and laminated patent leather; metallised leather
4115,41,Composition leather with a basis of leather or leather fibre, in slabs, sheets or strip, in rolls or not; parings and other waste of leather or of composition leather, not suitable for the manufacture of leather articles; leather dust, powder and flour
411510,4115,Leather; composition leather with a basis of leather or leather fibre, in slabs, sheets or strip, whether or not in rolls
411520,4115,Leather; parings and other waste, of leather or composition leather; not suitable for the manufacture of leather articles; leather dust, powder and flour
42,VIII,Articles of leather; saddlery and harness; travel goods, handbags and similar containers; articles of animal gut (other than silk-worm gut)
4201,42,Saddlery and harness for any animal (including traces, leads, knee pads, muzzles, saddle cloths, saddle bags, dog coats and the like) of any material
420100,4201,Saddlery and harness; for any animal (including traces, leads, knee pads, muzzles, saddle cloths, saddle bags, dog coats and the like), of any materials
4202,42,Trunks; suit, camera, jewellery, cutlery cases; travel, tool, similar bags; wholly or mainly covered by leather, composition leather, plastic sheeting, textile materials, vulcanised fibre, paperboard
420211,4202,Cases and containers; trunks, suit-cases, vanity-cases, executive-cases, brief-cases, school satchels and similar containers, with outer surface of leather or of composition leather
420212,4202,Cases and containers; trunks, suit-cases, vanity-cases, executive-cases, brief-cases, school satchels and similar containers, with outer surface of plastics or of textile materials
420219,4202,Cases and containers; trunks, suit-cases, vanity-cases, executive-cases, brief-cases, school satchels and similar containers, of vulcanised fibre or of paperboard, or wholly or mainly covered with such materials or with paper
420221,4202,Cases and containers; handbags (whether or not with shoulder strap and including those without handle), with outer surface of leather or of composition leather
420222,4202,Cases and containers; handbags (whether or not with shoulder strap and including those without handle), with outer surface of sheeting of plastics or of textile materials
420229,4202,Cases and containers; handbags (whether or not with shoulder strap and including those without handle), of vulcanised fibre or of paperboard, or wholly or mainly covered with such materials or with paper
420231,4202,Cases and containers; of a kind normally carried in the pocket or in the handbag, with outer surface of leather or of composition leather
420232,4202,Cases and containers; of a kind normally carried in the pocket or in the handbag, with outer surface of sheeting of plastics or of textile materials
420239,4202,Cases and containers; of a kind normally carried in the pocket or in the handbag, of vulcanised fibre or of paperboard, or wholly or mainly covered with such materials or with paper
420291,4202,Cases and containers; n.e.c. in heading 4202, with outer surface of leather or of composition leather
420292,4202,Cases and containers; n.e.c. in heading 4202, with outer surface of sheeting of plastics or of textile materials
420299,4202,Cases and containers; n.e.c. in heading 4202, of vulcanised fibre or of paperboard, or wholly or mainly covered with such materials or with paper
4203,42,Articles of apparel and clothing accessories, of leather or of composition leather
420310,4203,Apparel; articles of apparel, of leather or of composition leather
420321,4203,Clothing accessories; gloves, mittens and mitts, specially designed for use in sports, of leather or composition leather, padded
420329,4203,Clothing accessories; gloves, mittens and mitts, n.e.c. in heading no. 4203, of leather or composition leather, not specially designed for use in sports
420330,4203,Clothing accessories; belts and bandoliers, of leather or of composition leather
420340,4203,Clothing accessories; of leather or of composition leather, n.e.c. in heading no. 4203
4205,42,Leather or composition leather articles n.e.c. in chapter 42
420500,4205,Leather articles; n.e.c. in chapter 42, of leather or composition leather
4206,42,Articles of gut (other than silk-worm gut), of goldbeater's skin, of bladders or of tendons
420600,4206,Articles of gut (other than silk-worm gut), of goldbeater's skin, of bladders or of tendons
43,VIII,Furskins and artificial fur; manufactures thereof
4301,43,Raw furskins (including heads, tails, paws, other pieces or cuttings, suitable for furriers' use), excluding raw hides and skins of heading no. 4101, 4102 or 4103
430110,4301,Furskins; raw, of mink, whole, with or without head, tail or paws
430130,4301,Furskins; raw, of Astrakhan, Broadtail, Caracul, Persian and similar lamb, Indian, Chinese, Mongolian or Tibetan lamb, whole, with or without head, tail or paws
430160,4301,Furskins; raw, of fox, whole, with or without head, tail or paws
430180,4301,Furskins; raw, of animals n.e.c. in heading no. 4301, whole, with or without head, tail or paws (excluding goods of heading no. 4101, 4102 and 4103)
430190,4301,Furskins; raw, heads, tails, paws and other pieces or cuttings, suitable for furrier's use, excluding goods of heading no. 4101, 4102 and 4103
4302,43,Tanned or dressed furskins (including heads, tails, paws, other pieces, cuttings), unassembled, or assembled (without addition of other materials), excluding those of heading no. 4303
430211,4302,Furskins; tanned or dressed, of mink, whole, with or without head, tail or paws, not assembled
430219,4302,Furskins; tanned or dressed, whole, with or without head, tail or paws, not assembled, n.e.c. in heading no. 4302, excluding goods or heading no. 4303
430220,4302,Furskins; tanned or dressed, heads, tails, paws and other pieces or cuttings, not assembled, excluding goods of heading no. 4303
430230,4302,Furskins; tanned or dressed, whole skins and pieces or cuttings thereof, assembled, excluding goods of heading no. 4303
4303,43,Articles of apparel, clothing accessories and other articles of furskin
430310,4303,Furskin articles; apparel and clothing accessories
430390,4303,Furskin articles; other than apparel and clothing accessories
4304,43,Artificial fur and articles thereof
430400,4304,Fur, artificial; articles thereof
44,IX,Wood and articles of wood; wood charcoal
4401,44,Fuel wood, in logs, billets, twigs, faggots or similar forms; wood in chip or particles; sawdust and wood waste and scrap, whether or not agglomerated in logs, briquettes, pellets or similar forms
440111,4401,Wood; for fuel, in logs, in billets, in twigs, in faggots or similar forms, whether or not agglomerated, coniferous
440112,4401,Wood; for fuel, in logs, in billets, in twigs, in faggots or similar forms, whether or not agglomerated, non-coniferous
440121,4401,Wood; for fuel, in chips or particles, coniferous, whether or not agglomerated
440122,4401,Wood; for fuel, in chips or particles, non-coniferous, whether or not agglomerated
440131,4401,Wood; for fuel, sawdust and wood waste and scrap, agglomerated in wood pellets
440132,4401,Wood; for fuel, sawdust and wood waste and scrap, agglomerated in wood briquettes
440139,4401,Wood; for fuel, sawdust and wood waste and scrap, agglomerated in logs or similar forms, other than wood pellets or wood briquettes
440141,4401,Wood; for fuel, sawdust and wood waste and scrap, not agglomerated; sawdust
440149,4401,Wood; for fuel, sawdust and wood waste and scrap, not agglomerated and not including sawdust
4402,44,Wood charcoal (including shell or nut charcoal), whether or not agglomerated
440210,4402,Wood; charcoal of bamboo, whether or not agglomerated
440220,4402,Wood; charcoal of nut or shell, whether or not agglomerated
440290,4402,Wood; charcoal of wood other than bamboo, nut or shell, whether or not agglomerated
4403,44,Wood in the rough, whether or not stripped of bark or sapwood, or roughly squared
440311,4403,Wood; coniferous species, in the rough, whether or not stripped of bark or sapwood, or roughly squared; treated with paint, stains, creosote or other preservatives
440312,4403,Wood; non-coniferous species, in the rough, whether or not stripped of bark or sapwood, or roughly squared; treated with paint, stains, creosote or other preservatives
440321,4403,Wood; coniferous species, of pine (Pinus spp.), in the rough, whether or not stripped of bark or sapwood, or roughly squared, untreated, of which the smallest cross-sectional dimension is 15 cm or more
440322,4403,Wood; coniferous species, of pine (Pinus spp.), in the rough, whether or not stripped of bark or sapwood, or roughly squared, untreated, of which any cross-sectional dimension is less than 15 cm
440323,4403,Wood; coniferous species, of fir (Abies spp.) and spruce (Picea spp.), in the rough, whether or not stripped of bark or sapwood, or roughly squared, untreated, of which the smallest cross-sectional dimension is 15 cm or more
440324,4403,Wood; coniferous species, of fir (Abies spp.) and spruce (Picea spp.), in the rough, whether or not stripped of bark or sapwood, or roughly squared, untreated, of which any cross-sectional dimension is less than 15 cm
440325,4403,Wood; coniferous species n.e.c. in headings 4403.21 or 4403.23, in the rough, whether or not stripped of bark or sapwood, or roughly squared, untreated, of which the smallest cross-sectional dimension is 15 cm or more
440326,4403,Wood; coniferous species n.e.c in headings 4403.22 or 4403.24, in the rough, whether or not stripped of bark or sapwood, or roughly squared, untreated, of which any cross-sectional dimension is less than 15 cm
440341,4403,Wood, tropical; as specified in Subheading Note 2 to this Chapter, dark red meranti, light red meranti and meranti bakau, in the rough, whether or not stripped of bark or sapwood, or roughly squared, untreated
440342,4403,Wood, tropical; teak, in the rough, whether or not stripped of bark or sapwood, or roughly squared, untreated
440349,4403,Wood, tropical; other than dark red meranti, light red meranti meranti bakau and teak, in the rough, whether or not stripped of bark or sapwood, or roughly squared, untreated
440391,4403,Wood; oak, in the rough, whether or not stripped of bark or sapwood, or roughly squared, untreated
440393,4403,Wood; of beech (Fagus spp.), in the rough, whether or not stripped of bark or sapwood, or roughly squared, untreated, of which the smallest cross-sectional dimension is 15 cm or more
440394,4403,Wood; of beech (Fagus spp.), in the rough, whether or not stripped of bark or sapwood, or roughly squared, untreated, of which any cross-sectional dimension is less than 15 cm
440395,4403,Wood; of birch (Betula spp.), in the rough, whether or not stripped of bark or sapwood, or roughly squared, untreated, of which the smallest cross-sectional dimension is 15 cm or more
440396,4403,Wood; of birch (Betula spp.), in the rough, whether or not stripped of bark or sapwood, or roughly squared, untreated, of which any cross-sectional dimension is less than 15 cm
440397,4403,Wood; of poplar and aspen (Populus spp.), in the rough, whether or not stripped of bark or sapwood, or roughly squared, untreated
440398,4403,Wood; of eucalyptus (Eucalyptus spp.), in the rough, whether or not stripped of bark or sapwood, or roughly squared, untreated
440399,4403,Wood; in the rough, whether or not stripped of bark or sapwood, or roughly squared, untreated, n.e.c. in heading no. 4403
4404,44,Hoopwood; split poles; piles, pickets, stakes of wood, pointed, not sawn lengthwise; wooden sticks, roughly trimmed, not turned, bent, etc., suitable for walking sticks, umbrellas, tool handles, etc.
440410,4404,Wood; coniferous, split poles, piles, pickets, stakes, pointed but not sawn lengthwise; sticks for umbrellas, tool handles etc, roughly trimmed but not turned or bent; chipwood etc, hoopwood
440420,4404,Wood; non-coniferous, split poles, piles, pickets, stakes, pointed but not sawn lengthwise; sticks for umbrellas, tool handles etc, roughly trimmed but not turned or bent; chipwood etc, hoopwood
4405,44,Wood wool; wood flour
440500,4405,Wood; wood wool and wood flour
4406,44,Railway or tramway sleepers (cross-ties) of wood
440611,4406,Wood; railway or tramway sleepers (cross-ties), not impregnated, coniferous
440612,4406,Wood; railway or tramway sleepers (cross-ties), not impregnated, non-coniferous
440691,4406,Wood; railway or tramway sleepers (cross-ties), impregnated, coniferous
440692,4406,Wood; railway or tramway sleepers (cross-ties), impregnated, non-coniferous
4407,44,Wood sawn or chipped lengthwise, sliced or peeled, whether or not planed, sanded or finger-jointed, of a thickness exceeding 6mm
440711,4407,Wood; coniferous species, of pine (Pinus spp.), sawn or chipped lengthwise, sliced or peeled, whether or not planed, sanded or finger-jointed, of a thickness exceeding 6mm
440712,4407,Wood; coniferous species, of fir (Abies spp.) and spruce (Picea spp.), sawn or chipped lengthwise, sliced or peeled, whether or not planed, sanded or finger-jointed, of a thickness exceeding 6mm
440713,4407,Wood; coniferous species, of S-P-F (spruce (Picea spp.), pine (Pinus spp.) and fir (Abies spp.)), sawn or chipped lengthwise, sliced or peeled, whether or not planed, sanded or finger-jointed, of a thickness exceeding 6mm
440714,4407,Wood; coniferous species, of Hem-fir (western hemlock (Tsuga heterophylla) and fir (Abies spp.))
440719,4407,Wood; coniferous species, other than of pine (Pinus spp.) or fir (Abies spp.) or spruce (Picea spp.), sawn or chipped lengthwise, sliced or peeled, whether or not planed, sanded or finger-jointed, of a thickness exceeding 6mm
440721,4407,Wood, tropical; as specified in Subheading Note 2 to this Chapter, mahogany (Swietenia spp.), sawn or chipped lengthwise, sliced or peeled, whether or not planed, sanded or finger-jointed, thicker than 6mm
440722,4407,Wood, tropical; virola, imbuia and balsa, sawn or chipped lengthwise, sliced or peeled, whether or not planed, sanded or finger-jointed, thicker than 6mm
440723,4407,Wood, tropical; teak, sawn or chipped lengthwise, sliced or peeled, planed, square dressed, structural, thicker than 6mm
440725,4407,Wood, tropical; dark red meranti, light red meranti and meranti bakau, sawn or chipped lengthwise, sliced or peeled, whether or not planed, sanded or finger-jointed, thicker than 6mm
440726,4407,Wood, tropical; white lauan, white meranti, white seraya, yellow meranti and alan, sawn or chipped lengthwise, sliced or peeled, whether or not planed, sanded or finger-jointed, thicker than 6mm
440727,4407,Wood, tropical; sapelli, sawn or chipped lengthwise, sliced or peeled, whether or not planed, sanded or finger-jointed, thicker than 6mm
440728,4407,Wood, tropical; iroko, sawn or chipped lengthwise, sliced or peeled, whether or not planed, sanded or finger-jointed, thicker than 6mm
440729,4407,Wood, tropical, n.e.c. in item no. 4407.2, sawn or chipped lengthwise, sliced or peeled, whether or not planed, sanded or finger-jointed, of a thickness exceeding 6mm
440791,4407,Wood; oak (Quercus spp.), sawn or chipped lengthwise, sliced or peeled, whether or not planed, sanded or finger-jointed, thicker than 6mm
440792,4407,Wood; beech (Fagus spp.), sawn or chipped lengthwise, sliced or peeled, whether or not planed, sanded or finger-jointed, thicker than 6mm
440793,4407,Wood; maple (Acer spp.), sawn or chipped lengthwise, sliced or peeled, whether or not planed, sanded or finger-jointed, thicker than 6mm
440794,4407,Wood; cherry (Prunus spp.), sawn or chipped lengthwise, sliced or peeled, whether or not planed, sanded or finger-jointed, thicker than 6mm
440795,4407,Wood; ash (Fraxinus spp.), sawn or chipped lengthwise, sliced or peeled, whether or not planed, sanded or finger-jointed, thicker than 6mm
440796,4407,Wood; of birch (Betula spp.), sawn or chipped lengthwise, sliced or peeled, of a thickness exceeding 6mm, whether or not planed, sanded or finger-jointed
440797,4407,Wood; of poplar and aspen (Populus spp.), sawn or chipped lengthwise, sliced or peeled, of a thickness exceeding 6mm, whether or not planed, sanded or finger-jointed
440799,4407,Wood; sawn or chipped lengthwise, sliced or peeled, of a thickness exceeding 6mm, whether or not planed, sanded or finger-jointed, n.e.c. in heading no. 4407
4408,44,Sheets for veneering (including those obtained by slicing laminated wood), for plywood or for similar laminated wood and other wood, sawn lengthwise, sliced or peeled, planed or not, sanded, spliced or end-jointed, of a thickness not exceeding 6 mm
440810,4408,Wood; coniferous, sheets for veneering (including those obtained by slicing laminated wood), for plywood or similar laminated wood and other wood, sawn lengthwise, sliced or peeled, planed or not, sanded, spliced or end-jointed, not over 6 mm thick
440831,4408,Wood, tropical; as specified in Subheading Note 2 to this Chapter, dark red meranti, light red meranti, meranti bakau, sheets for veneer, plywood or other wood, sawn lengthwise, sliced or peeled, planed or not, sanded or end-jointed, not thicker than 6mm
440839,4408,Wood, of tropical wood; as in Subheading note 2 to this Chapter, n.e.c. in heading no. 4408.31, sheets for veneer or plywood, other wood sawn length wise, sliced or peeled, whether or not planed, sanded or end-jointed, not thicker than 6mm
440890,4408,Wood; n.e.c. in heading no. 4408, sheets for veneer or plywood, other wood sawn lengthwise, sliced or peeled, whether or not planed, sanded or end-jointed, not exceeding 6mm in thickness
4409,44,Wood (including strips, friezes for parquet flooring, not assembled), continuously shaped (tongued, grooved, v-jointed, beaded or the like) along any edges, ends or faces, whether or not planed, sanded or end-jointed
440910,4409,Wood; coniferous (including unassembled strips and friezes for parquet flooring), continuously shaped along any edges, ends or faces, whether or not planed, sanded or end-jointed
440921,4409,Wood; bamboo (including unassembled strips and friezes for parquet flooring), continuously shaped along any edges, ends or faces, whether or not planed, sanded or end-jointed
440922,4409,Wood; tropical (including unassembled strips and friezes for parquet flooring), continuously shaped along any edges, ends or faces, whether or not planed, sanded or end-jointed
440929,4409,Wood; non-coniferous, other than bamboo or tropical wood, (including unassembled strips and friezes for parquet flooring), continuously shaped along any edges, ends or faces, whether or not planed, sanded or end-jointed
4410,44,Particle board, oriented strand board (OSB) and similar board (e.g. waferboard) of wood or other ligneous materials, whether or not agglomerated with resins or other organic binding substances
441011,4410,Particle board of wood, whether or not agglomerated with resins or other organic binding substances
441012,4410,Oriented strand board (OSB) of wood, whether or not agglomerated with resins or other organic binding substances
441019,4410,Wafer board and similar board of wood n.e.c. in item no. 4410.1, whether or not agglomerated with resins or other organic binding substances
441090,4410,Particle board, oriented strand board (OSB) and similar board of ligneous materials other than wood, whether or not agglomerated with resins or other organic binding substances
4411,44,Fibreboard of wood or other ligneous materials, whether or not bonded with resins or other organic substances
441112,4411,Medium density fibreboard (MDF), of a thickness not exceeding 5 mm
441113,4411,Medium density fibreboard (MDF), of a thickness exceeding 5 mm but not exceeding 9 mm
441114,4411,Medium density fibreboard (MDF), of a thickness exceeding 9 mm
441192,4411,Fibreboard (other than MDF) of a density exceeding 0.8g/cm3, of wood or other ligneous materials, bonded or not with resins or other organic substances
441193,4411,Fibreboard (other than MDF) of a density exceeding 0.5g/cm3 but not 0.8g/cm3, of wood or other ligneous materials, bonded or not with resins or other organic substances
441194,4411,Fibreboard (other than MDF) of a density not exceeding 0.5g/cm3, of wood or other ligneous materials, bonded or not with resins or other organic substances
4412,44,Plywood, veneered panels and similar laminated wood
441210,4412,Plywood, veneered panels and similar laminated wood; of bamboo
441231,4412,Plywood; consisting only of sheets of wood (not bamboo), each ply 6mm or thinner, with at least one outer ply of tropical wood
441233,4412,Plywood; with sheets of wood only; not bamboo; each ply 6mm or less, with at least one outer ply of alder, ash, beech, birch, cherry, chestnut, elm, eucalyptus, hickory, horse chestnut, lime, maple, oak, plane, poplar, aspen, robinia, tulipwood or walnut
441234,4412,Plywood; consisting only of sheets of wood (not bamboo), each ply 6mm or thinner, with at least one outer ply of non-coniferous wood not listed in subheading 4412.33
441239,4412,Plywood; consisting only of sheets of wood (not bamboo), each ply 6mm or thinner, with both outer plies of coniferous wood
441241,4412,Plywood, veneered panels and similar laminated wood; laminated veneered lumber (LVL); with at least one outer ply of tropical wood
441242,4412,Laminated veneered lumber (LVL); with at least one outer ply of non-coniferous wood
441249,4412,Laminated veneered lumber (LVL); with both outer plies of coniferous wood
441251,4412,Blockboard, laminboard and battenboard; with at least one outer layer of tropical wood
441252,4412,Blockboard, laminboard and battenboard; with at least one outer ply of non-coniferous wood, (not containing particle board)
441259,4412,Blockboard, laminboard and battenboard; with both outer plies of coniferous wood
441291,4412,Plywood; n.e.c. in heading 4412, with at least one outer ply of tropical wood
441292,4412,Plywood; n.e.c. in heading 4412, with at least one outer ply of non-coniferous wood
441299,4412,Plywood; n.e.c. in heading 4412, with both outer plies of coniferous wood
4413,44,Densified wood, in blocks, plates, strips or profile shapes
441300,4413,Wood; densified wood, in blocks, plates, strips or profile shapes
4414,44,Wooden frames; for paintings, photographs, mirrors or similar objects
441410,4414,Wooden frames; for paintings, photographs, mirrors or similar objects; of tropical wood
441490,4414,Wooden frames; for paintings, photographs, mirrors or similar objects; not of tropical wood
4415,44,Packing cases, boxes, crates, drums and similar packings, of wood; cable-drums of wood; pallets, box pallets and other load boards, of wood; pallet collars of wood
441510,4415,Wood; cases, boxes, crates, drums, similar packings and cable-drums
441520,4415,Wood; pallets, box pallets and other load boards; pallet collars
4416,44,Casks, barrels, vats, tubs and other coopers' products and parts thereof, of wood, including staves
441600,4416,Wood; casks, barrels, vats, tubs and other coopers' products and parts thereof, of wood, including staves
4417,44,Tools, tool bodies, tool handles, broom or brush bodies and handles, of wood; boot or shoe lasts and trees, of wood
441700,4417,Wood; tools, tool bodies, tool handles, broom or brush bodies and handles, boot and shoe lasts and trees, of wood
4418,44,Builders' joinery and carpentry of wood, including cellular wood panels, assembled flooring panels, shingles and shakes
441811,4418,Wood; windows, French-windows and their frames; of tropical wood
441819,4418,Wood; windows, French-windows and their frames; (of other than tropical wood)
441821,4418,Wood; doors and their frames and thresholds, of tropical wood;
441829,4418,Wood; doors and their frames and thresholds, (of other than tropical wood)
441830,4418,wood; posts and beams other than products of subheadings 4418.81 to 4418.89
441840,4418,Wood; shuttering for concrete constructional work
441850,4418,Wood; shingles and shakes
441873,4418,Wood; assembled flooring panels, of bamboo or with at least the top layer (wear layer) of bamboo
441874,4418,Wood; assembled flooring panels, not of bamboo or with at least the top layer (wear layer) of bamboo, for mosaic floors
441875,4418,Wood; assembled flooring panels, not of bamboo or with at least the top layer (wear layer) of bamboo, multilayer
441879,4418,Wood; assembled flooring panels, n.e.c in headings 4418.73, 4418.74 or 4418.75
441881,4418,Wood; engineered structural timber products, glue-laminated timber (glulam)
441882,4418,Wood; engineered structural timber products, cross-laminated timber (CLT or X-lam)
441883,4418,Wood; engineered structural timber products, I beams
441889,4418,Wood; engineered structural timber products, other than glue-laminated timber (glulam), cross-laminated timber (CLT or X-lam), or I beams
441891,4418,Wood; builders' joinery and carpentry of wood n.e.c. in heading no. 4418, of bamboo
441892,4418,Wood; builders' joinery and carpentry of wood n.e.c. in heading no. 4418, cellular wood panels
441899,4418,Wood; builders' joinery and carpentry of wood n.e.c. in heading no. 4418, other than of bamboo or cellular wood panels
4419,44,Tableware and kitchenware, of wood
441911,4419,Tableware and kitchenware, of wood; of bamboo, bread boards, chopping boards and similar boards
441912,4419,Tableware and kitchenware, of wood; of bamboo, chopsticks
441919,4419,Tableware and kitchenware, of wood; of bamboo, n.e.c. in heading 4419
441920,4419,Tableware and kitchenware, of wood; of tropical wood
441990,4419,Tableware and kitchenware, of wood; not of bamboo or tropical wood
4420,44,Wood marquetry and inlaid wood; caskets and cases for jewellery or cutlery, and similar articles of wood; statuettes and other ornaments of wood; wooden articles of furniture not falling in chapter 94
442011,4420,Wood; statuettes and other ornaments, of tropical wood
442019,4420,Wood; statuettes and other ornaments, of other than tropical wood
442090,4420,Wood; marquetry and inlaid wood, caskets and cases for jewellery or cutlery and similar articles of wood, wooden articles of furniture not falling in chapter 94
4421,44,Wooden articles n.e.c. in heading no. 4414 to 4420
442110,4421,Wood; clothes hangers
442120,4421,Wood; coffins
442191,4421,Wood; of bamboo, articles n.e.c. in heading no. 4414 to 4420 (excluding clothes hangers)
442199,4421,Wood; not of bamboo, articles n.e.c. in heading no. 4414 to 4420 (excluding clothes hangers)
45,IX,Cork and articles of cork
4501,45,Natural cork, raw or simply prepared; waste cork; crushed, granulated or ground cork
450110,4501,Cork; natural cork, raw or simply prepared
450190,4501,Cork; waste cork, crushed, granulated or ground cork
4502,45,Natural cork, debacked or roughly squared, or in rectangular (including square) blocks, plates, sheets or strip, (including sharp-edged blanks for corks or stoppers)
450200,4502,Cork; natural cork, debacked or roughly squared, or in rectangular (including square) blocks, plates, sheets or strip, (including sharp-edged blanks for corks or stoppers)
4503,45,Cork; articles of natural cork
450310,4503,Cork; corks and stoppers, of natural cork
450390,4503,Cork; articles of natural cork other than corks and stoppers
4504,45,Agglomerated cork (with or without a binding substance) and articles of agglomerated cork
450410,4504,Cork; blocks, plates, sheets and strip, tiles of any shape, solid cylinders (including discs), of agglomerated cork (with or without a binding substance)
450490,4504,Cork; articles of agglomerated cork (with or without a binding substance), n.e.c. in heading no. 4504
46,IX,Manufactures of straw, esparto or other plaiting materials; basketware and wickerwork
4601,46,Plaits and similar products of plaiting materials, assembled into strips or not; plaiting materials, plaits and the like bound together in parallel strands or woven in sheet form, finished articles or not
460121,4601,Plaiting materials, plaits and similar products of plaiting materials; mats, matting and screens, of bamboo
460122,4601,Plaiting materials, plaits and similar products of plaiting materials; mats, matting and screens, of rattan
460129,4601,Plaiting materials, plaits and similar products of plaiting materials; mats, matting and screens, of vegetable materials other than bamboo or rattan
460192,4601,Plaiting materials, plaits and similar products of plaiting materials; (not mats, matting or screens), of bamboo
460193,4601,Plaiting materials, plaits and similar products of plaiting materials; (not mats, matting or screens), of rattan
460194,4601,Plaiting materials, plaits and similar products of plaiting materials; (not mats, matting or screens), of vegetable materials other than bamboo or rattan
460199,4601,Plaiting materials, plaits and similar products of plaiting materials; products of non-vegetable materials
4602,46,Basketwork, wickerwork and other articles, made directly to shape from plaiting materials or made up from goods of heading no. 4601; articles of loofah
460211,4602,Basketwork, wickerwork and other articles; of bamboo, made directly to shape from plaiting materials or made up from goods of heading no. 4601
460212,4602,Basketwork, wickerwork and other articles; of rattan, made directly to shape from plaiting materials or made up from goods of heading no. 4601
460219,4602,Basketwork, wickerwork and other articles; of vegetable materials (not bamboo or rattan), made directly to shape from plaiting materials or made up from goods of heading no. 4601; articles of loofah
460290,4602,Basketwork, wickerwork and other articles; of non-vegetable materials, made directly to shape from plaiting materials or made up from goods of heading no. 4601
47,X,Pulp of wood or other fibrous cellulosic material; recovered (waste and scrap) paper or paperboard
4701,47,Wood pulp, mechanical wood pulp
470100,4701,Wood pulp; mechanical wood pulp
4702,47,Chemical wood pulp, dissolving grades
470200,4702,Wood pulp; chemical wood pulp, dissolving grades
4703,47,Chemical wood pulp, soda or sulphate, other than dissolving grades
470311,4703,Wood pulp; chemical wood pulp, soda or sulphate, (other than dissolving grades), unbleached, of coniferous wood
470319,4703,Wood pulp; chemical wood pulp, soda or sulphate, (other than dissolving grades), unbleached, of non-coniferous wood
470321,4703,Wood pulp; chemical wood pulp, soda or sulphate, (other than dissolving grades), semi-bleached or bleached, of coniferous wood
470329,4703,Wood pulp; chemical wood pulp, soda or sulphate, (other than dissolving grades), semi-bleached or bleached, of non-coniferous wood
4704,47,Chemical wood pulp, sulphite, other than dissolving grades
470411,4704,Wood pulp; chemical wood pulp, sulphite, (other than dissolving grades), unbleached, of coniferous wood
470419,4704,Wood pulp; chemical wood pulp, sulphite, (other than dissolving grades), unbleached, of non-coniferous wood
470421,4704,Wood pulp; chemical wood pulp, sulphite, (other than dissolving grades), semi-bleached or bleached, of coniferous wood
470429,4704,Wood pulp; chemical wood pulp, sulphite, (other than dissolving grades), semi-bleached or bleached, of non-coniferous wood
4705,47,Wood pulp obtained by a combination of mechanical and chemical pulping processes
470500,4705,Wood pulp; obtained by a combination of mechanical and chemical pulping processes
4706,47,Pulps of fibres derived from recovered (waste and scrap) paper or paperboard or of other fibrous cellulosic material
470610,4706,Pulp; cotton linters pulp
470620,4706,Pulp; of fibres derived from recovered (waste and scrap) paper or paperboard
470630,4706,Pulp; of bamboo
470691,4706,Pulp; of fibrous cellulosic material, other than of bamboo or fibres derived from recovered (waste and scrap) paper or paperboard or from cotton linters pulp, mechanical
470692,4706,Pulp; of fibrous cellulosic material, other than of bamboo or fibres derived from recovered (waste and scrap) paper or paperboard or from cotton linters pulp, chemical
470693,4706,Pulp; of fibrous cellulosic material, other than of bamboo or fibres derived from recovered (waste and scrap) paper or paperboard or from cotton linters pulp, obtained by a combination of mechanical and chemical processes
4707,47,Waste and scrap of paper and paperboard
470710,4707,Paper or paperboard; waste and scrap, of unbleached kraft paper or paperboard or corrugated paper or paperboard
470720,4707,Paper or paperboard; waste and scrap, paper or paperboard made mainly of bleached chemical pulp, not coloured in the mass
470730,4707,Paper or paperboard; waste and scrap, paper or paperboard made mainly of mechanical pulp (e.g. newspapers, journals and similar printed matter)
470790,4707,Paper or paperboard; waste and scrap, of paper or paperboard n.e.c. in heading no. 4707 and of unsorted waste and scrap
48,X,Paper and paperboard; articles of paper pulp, of paper or paperboard
4801,48,Newsprint, in rolls or sheets
480100,4801,Newsprint; made of fibres obtained essentially by a chemi-mechanical process or of a weight, per m2, of more than 57g but not more than 65g, in rolls or sheets
4802,48,Uncoated paper and paperboard, used for writing, printing or other graphics, non perforated punch-cards and punch tape paper, in rolls or rectangular sheets, of any size, other than paper of heading 4801 or 4803; hand-made paper and paperboard
480210,4802,Hand-made paper or paperboard
480220,4802,Uncoated paper and paperboard (not 4801 or 4803); of a kind used as a base for photo-sensitive, heat-sensitive or electro-sensitive paper or paperboard, in rolls or sheets
480240,4802,Uncoated paper and paperboard (not 4801 or 4803); wallpaper base, in rolls or sheets
480254,4802,Uncoated paper and paperboard (not 4801 or 4803); printing, writing or graphic, 10% or less by weight of mechanical or chemi-mechanical processed fibre, weighing less than 40g/m2, in rolls or sheets
480255,4802,Uncoated paper and paperboard (not 4801 or 4803); printing, writing or graphic, 10% or less by weight of mechanical or chemi-mechanical processed fibre, weighing 40g/m2 to 150g/m2, in rolls
480256,4802,Uncoated paper and paperboard (not 4801 or 4803); printing, writing or graphic, 10% or less by weight of mechanical or chemi-mechanical processed fibre, weight 40-150g/m2, in sheets 435mm or less by 297mm or less (unfolded)
480257,4802,Uncoated paper and paperboard (not 4801 or 4803); printing, writing or graphic, 10% or less by weight of mechanical or chemi-mechanical processed fibre, weight 40-150g/m2, n.e.c. in item no. 4802.55 or 4802.56
480258,4802,Uncoated paper and paperboard (not 4801 or 4803); printing, writing or graphic, 10% or less by weight of mechanical or chemi-mechanical processed fibre, weighing more than 150g/m2
480261,4802,Uncoated paper and paperboard (not 4801 or 4803); over 10% by weight of mechanical or chemi-mechanical processed fibre, in rolls
480262,4802,Uncoated paper and paperboard (not 4801 or 4803); over 10% by weight of mechanical or chemi-mechanical processed fibre, in sheets 435mm or less by 297mm or less (unfolded)
480269,4802,Uncoated paper and paperboard (not 4801 or 4803); over 10% by weight of mechanical or chemi-mechanical processed fibre, other than rolls, other than sheets 435mm or less by 297mm or less (unfolded)
4803,48,Tissue, towel, napkin stock or similar; for household or sanitary uses, cellulose wadding, webs of cellulose fibres, in rolls over 36cm in width or rectangular sheets with one side exceeding 36cm when unfolded
480300,4803,Tissue, towel, napkin stock or similar; for household or sanitary use, cellulose, wadding webs of cellulose fibres, in rolls exceeding 36cm in width or rectangular sheets with one side more than 36cm in unfolded state
4804,48,Uncoated kraft paper and paperboard, in rolls or sheets, other than that of heading no. 4802 or 4803
480411,4804,Kraft paper and paperboard; kraftliner, uncoated, unbleached, in rolls or sheets, other than that of heading no. 4802 or 4803
480419,4804,Kraft paper and paperboard; kraftliner, uncoated, bleached, in rolls or sheets, other than that of heading no. 4802 or 4803
480421,4804,Kraft paper and paperboard; sack kraft paper, uncoated, unbleached, in rolls or sheets, other than that of heading no. 4802 or 4803
480429,4804,Kraft paper and paperboard; sack kraft paper, uncoated, bleached, in rolls or sheets, other than that of heading no. 4802 or 4803
480431,4804,Kraft paper and paperboard; uncoated, unbleached, weight 150g/m2 or less, in rolls or sheets, other than that of heading no. 4802 or 4803
480439,4804,Kraft paper and paperboard; uncoated, bleached, weight 150g/m2 or less, in rolls or sheets, other than that of heading no. 4802 or 4803
480441,4804,Kraft paper and paperboard; uncoated, unbleached, weight more than 150g/m2 but less than 225g/m2, in rolls or sheets, other than that of heading no. 4802 or 4803
480442,4804,Kraft paper and paperboard; uncoated, weight between 150 and 225g/m2, bleached uniformly throughout, more than 95% of total fibre content consists of chemically processed wood fibres, in rolls or sheets
480449,4804,Kraft paper and paperboard; uncoated, weight more than 150g/m2 but less than 225g/m2, in rolls or sheets, n.e.c. in item no. 4804.4, other than that of heading no. 4802 or 4803
480451,4804,Kraft paper and paperboard; uncoated, unbleached, weight 225g/m2 or more, in rolls or sheets, other than that of heading no. 4802 or 4803
480452,4804,Kraft paper and paperboard; uncoated, weight 225g/m2 or more, bleached uniformly throughout, more than 95% of total fibre content consists of chemically processed wood fibres, in rolls or sheets
480459,4804,Kraft paper and paperboard; uncoated, weight 225g/m2 or more, in rolls or sheets, n.e.c. in item no. 4804.5, other than that of heading no. 4802 or 4803
4805,48,Uncoated paper and paperboard n.e.c., in rolls or sheets
480511,4805,Paper and paperboard; uncoated, semi-chemical fluting paper, rolls or sheets
480512,4805,Paper and paperboard; uncoated, straw fluting paper, rolls or sheets
480519,4805,Paper and paperboard; uncoated, fluting paper other than semi-chemical or straw, rolls or sheets
480524,4805,Paper & paperboard; uncoated, testliner (recycled linerboard), weight 150g/m2, or less, in rolls or sheets
480525,4805,Paper & paperboard; uncoated, testliner (recycled linerboard), weight over 150g/m2, in rolls or sheets
480530,4805,Paper and paperboard; sulphite wrapping paper, uncoated, in rolls or sheets
480540,4805,Paper and paperboard; filter paper and paperboard, uncoated, in rolls or sheets
480550,4805,Paper and paperboard; felt paper and paperboard, uncoated, in rolls or sheets
480591,4805,Paper and paperboard; uncoated, weight 150g/m2 or less, in rolls or sheets, n.e.c. in heading no.4805
480592,4805,Paper and paperboard; uncoated, weight more than 150g/m2 but less than 225 g/m2, in rolls or sheets, n.e.c. in heading no. 4805
480593,4805,Paper and paperboard; uncoated, weight 225/m2 or more, in rolls or sheets, n.e.c. in heading no. 4805
4806,48,Vegetable parchment, greaseproof papers, tracing papers, glassine and other glazed transparent or translucent papers, in rolls or sheets
480610,4806,Paper; vegetable parchment, in rolls or sheets
480620,4806,Paper; greaseproof papers, in rolls or sheets
480630,4806,Paper; tracing papers, in rolls or sheets
480640,4806,Paper; glassine and other glazed transparent or translucent papers, in rolls or sheets
4807,48,Composite paper and paperboard, (made by sticking layers together with an adhesive), not surface-coated or impregnated, whether or not internally reinforced, in rolls or sheets
480700,4807,Paper and paperboard; composite (made by sticking layers together with an adhesive), not surface-coated or impregnated, whether or not internally reinforced, in rolls or sheets
4808,48,Paper and paperboard, corrugated (with or without glued flat surface sheets), creped, crinkled, embossed or perforated, in rolls or sheets other than paper of the kind described in heading 4803
480810,4808,Paper and paperboard; corrugated, whether or not perforated, in rolls or sheets, other than paper of heading 4803
480840,4808,Paper and paperboard; kraft paper, creped or crinkled, whether or not embossed or perforated, in rolls or sheets, other than paper of heading 4803
480890,4808,Paper and paperboard; other than corrugated (with or without glued flat surface sheets) or kraft paper, creped or crinkled, whether or not embossed or perforated, in rolls or sheets, other than paper of heading 4803
4809,48,Carbon paper, self copy paper, and other copying or transfer papers (including coated or impregnated paper for duplicator stencils or offset plates), whether or not printed, in rolls or sheets
480920,4809,Paper; self-copy paper, whether or not printed, in rolls or sheets
480990,4809,Paper; carbon paper and other copying or transfer papers (including coated or impregnated paper for duplicator stencils or offset plates), whether or not printed, in rolls or sheets
4810,48,Paper and paperboard, coated one or both sides with kaolin (china clay) or inorganic substances, with binder or not, no other coating, surface coloured or not, surface decorated or printed, in rolls or rectangular (including square) sheets, of any size
481013,4810,Paper and paperboard; coated with kaolin or other inorganic substances, for printing & writing, graphics, containing no, or not more than 10% by weight of total fibres obtained by mechanical or chemi-mechanical process, in rolls
481014,4810,Paper and paperboard; coated with kaolin or other inorganic substances, for printing/writing/graphics, having 10% or less by weight of total fibres got mechanical/chemi-mechanical process, sheets, sides 435mm or less by 297mm or less, unfolded,
481019,4810,Paper and paperboard; coated with kaolin or other inorganic substances, for printing/writing/graphics, having 10% or less by weight of total fibres got by mechanical/chemi-mechanical process, sides exceeding 435mm and 297mm, unfolded, sheets
481022,4810,Paper and paperboard; coated with kaolin or other inorganic substances only, having more than 10% of mechanical or chemi-mechanical processed fibres, for writing, printing or other graphic purposes, light-weight coated paper, in rolls or sheets
481029,4810,Paper and paperboard; coated with kaolin or other inorganic substances only, having more than 10% of mechanically processed fibres, (excluding light-weight paper), for writing, printing or other graphic purposes, in rolls or sheets
481031,4810,Kraft paper and paperboard; uniformly bleached throughout, coated with inorganic substances, more than 95% of chemically processed wood fibres, weight 150g/m2 or less, for non-graphic purposes, in rolls or sheets
481032,4810,Kraft paper and paperboard; uniformly bleached throughout, coated with inorganic substances, more than 95% of chemically processed wood fibres, weight more than 150g/m2, for non-graphic purposes, in rolls or sheets
481039,4810,Kraft paper and paperboard; coated with kaolin or other inorganic substances only, for non-graphic purposes, n.e.c. in item no. 4810.31 and 4810.32, in rolls or sheets
481092,4810,Paper and paperboard; multi-ply, coated with kaolin or other inorganic substances only, for non-graphic purposes, n.e.c. in heading no. 4810, in rolls or sheets
481099,4810,Paper and paperboard; coated with inorganic substances only, whether or not surface-coloured, surface-decorated or printed, n.e.c. in heading no. 4810, in rolls or sheets
4811,48,Paper, paperboard, cellulose wadding and webs of cellulose fibres, coated, impregnated, covered, surface-coloured, decorated or printed, rolls or sheets, other than goods of heading no. 4803, 4809, or 4810
481110,4811,Paper and paperboard; tarred, bituminised or asphalted, in rolls or sheets, other than goods of heading no. 4803, 4809, or 4810
481141,4811,Paper and paperboard; self-adhesive, in rolls or sheets, other than goods of heading no. 4803, 4809, or 4810
481149,4811,Paper and paperboard; gummed or adhesive paper and paperboard (excluding self-adhesive), in rolls or sheets, other than goods of heading no. 4803, 4809, or 4810
481151,4811,Paper and paperboard; coated, impregnated or covered with plastics (excluding adhesives), bleached, weighing more than 150g/m2, other than goods of heading no. 4803, 4809, or 4810
481159,4811,Paper and paperboard; coated, impregnated or covered with plastics (excluding adhesives), other than bleached and weighing more than 150g/m2, other than goods of heading no. 4803, 4809, or 4810
481160,4811,Paper and paperboard; coated, impregnated or covered with wax, paraffin wax, stearin, oil or glycerol, other than goods of heading no. 4803, 4809, or 4810
481190,4811,Paper, paperboard, cellulose wadding and webs of soft cellulose fibres; coated, impregnated, covered, surface-decorated or surface-coloured, n.e.c. in heading no. 4811, in rolls or sheets
4812,48,Filter blocks, slabs and plates of paper pulp
481200,4812,Paper pulp; filter blocks, slabs and plates of paper pulp
4813,48,Cigarette paper, whether or not cut to size or in the form of booklets or tubes
481310,4813,Paper, cigarette; in the form of booklets or tubes
481320,4813,Paper, cigarette; in rolls of a width not exceeding 5cm
481390,4813,Paper, cigarette; (other than in rolls of a width not exceeding 5cm, or in booklets or tubes)
4814,48,Wallpaper and similar wall coverings; window transparencies of paper
481420,4814,Wallpaper and similar wall coverings; coated or covered on the face side, with a grained, embossed, coloured, design-printed or otherwise decorated layer of plastics
481490,4814,Wallpaper and similar wall coverings and window transparencies of paper; n.e.c. in heading 4814
4816,48,Carbon paper, self-copy paper and other copying or transfer papers, (other than those of heading no. 4809), duplicator stencils and offset plates, of paper whether or not put up in boxes
481620,4816,Paper; self-copy paper (other than those of heading no. 4809), whether or not put up in boxes
481690,4816,Paper; carbon paper and other copying or transfer papers (other than those of heading no. 4809), n.e.c. in item no. 4816.20
4817,48,Envelopes, letter cards, plain postcards and correspondence cards, of paper, paperboard; boxes, pouches, wallets and writing compendiums, of paper or paperboard containing assortment of paper stationery
481710,4817,Paper and paperboard; envelopes
481720,4817,Paper and paperboard; letter cards, plain postcards and correspondence cards
481730,4817,Paper and paperboard; boxes, pouches, wallets and writing compendiums containing an assortment of paper stationery
4818,48,Toilet paper, width 36cm or less or cut to size/shape; handkerchiefs, tissues, towels, serviettes, bed sheets and similar household or hospital articles, apparel and clothing accessories of paper pulp, paper, cellulose wadding or webs of cellulose fibres
481810,4818,Paper articles; toilet paper
481820,4818,Paper articles; handkerchiefs, cleansing or facial tissues and towels
481830,4818,Paper articles; tablecloths and serviettes, of paper, cellulose wadding or fibres
481850,4818,Paper articles; apparel and clothing accessories of paper, cellulose wadding or fibres
481890,4818,Paper articles; articles of paper, cellulose wadding or fibres, n.e.c. in heading no. 4818
4819,48,Cartons, boxes, cases, bags and the like, of paper, paperboard, cellulose wadding or fibres; box files, letter trays and the like, of paper or paperboard, of a kind used in offices, shops or the like
481910,4819,Paper and paperboard; cartons, boxes and cases, of corrugated paper or paperboard
481920,4819,Paper and paperboard; folding cartons, boxes and cases, of non-corrugated paper or paperboard
481930,4819,Paper and paperboard; sacks and bags of paper, paperboard, cellulose wadding or fibres, having a base of a width of 40cm or more
481940,4819,Paper and paperboard; sacks and bags, including cones, of paper, paperboard, cellulose wadding or fibres, having a base width less than 40cm
481950,4819,Paper and paperboard; packing containers, including record sleeves, of paper, paperboard, cellulose wadding or fibres, n.e.c. in heading no. 4819
481960,4819,Paper and paperboard; box files, letter trays, storage boxes and similar articles, used in offices, shops or the like of paper, paperboard, cellulose wadding or webs of cellulose fibres
4820,48,Registers, account books, diaries and similar; albums for samples or collections, of paper or paperboard
482010,4820,Paper and paperboard; registers, account books, note books, order books, receipt books, letter pads, memorandum pads, diaries and similar articles
482020,4820,Paper and paperboard; exercise books
482030,4820,Paper and paperboard; binders, folders and file covers
482040,4820,Paper and paperboard; manifold business forms and interleaved carbon sets
482050,4820,Paper and paperboard; albums for samples or for collections
482090,4820,Paper or paperboard; stationery n.e.c. in heading no. 4820
4821,48,Paper or paperboard labels of all kinds, whether or not printed
482110,4821,Paper and paperboard; labels or all kinds, printed
482190,4821,Paper and paperboard; labels of all kinds, unprinted
4822,48,Bobbins, spools, cops and similar supports of paper pulp, paper or paperboard (whether or not perforated or hardened)
482210,4822,Paper pulp, paper or paperboard; bobbins, spools, cops and similar supports, of a kind used for winding textile yarn (whether or not perforated or hardened)
482290,4822,Paper pulp, paper or paperboard; bobbins, spools, cops and similar supports, other than of a kind used for winding textile yarn (whether or not perforated or hardened)
4823,48,Paper, paperboard, cellulose wadding and webs of cellulose fibres; cut to size or shape, articles of paper pulp, paper and paper-board, cellulose wadding or webs of cellulose fibres, n.e.c. in chapter 48
482320,4823,Paper and paperboard; filter paper and paperboard
482340,4823,Paper and paperboard; rolls, sheets and dials, printed for self-recording apparatus
482361,4823,Paper and paperboard; trays, dishes, plates, cups and the like, of bamboo paper or paperboard
482369,4823,Paper and paperboard; trays, dishes, plates, cups and the like, of paper or paperboard other than of bamboo
482370,4823,Paper pulp; moulded or pressed articles or paper pulp
482390,4823,Paper pulp, paper, paperboard, cellulose wadding or webs of cellulose fibres; articles n.e.c. in heading no. 4823
49,X,Printed books, newspapers, pictures and other products of the printing industry; manuscripts, typescripts and plans
4901,49,Printed books, brochures, leaflets and similar printed matter, whether or not in single sheets
490110,4901,Printed matter; in single sheets, whether or not folded
490191,4901,Printed matter; dictionaries, encyclopaedias and serial instalments thereof
490199,4901,Printed matter; books, brochures, leaflets and similar printed matter n.e.c. in item no. 4901.10 or 4901.91
4902,49,Newspapers, journals and periodicals, whether or not illustrated or containing advertising material
490210,4902,Newspapers, journals and periodicals; whether or not illustrated or containing advertising material, appearing at least four times a week
490290,4902,Newspapers, journals and periodicals; whether or not illustrated or containing advertising material, appearing less frequently than four times a week
4903,49,Children's picture, drawing or colouring books
490300,4903,Printed matter; children's picture, drawing or colouring books
4904,49,Music, printed or in manuscript, whether or not bound or illustrated
490400,4904,Music; printed or in manuscript, whether or not bound or illustrated
4905,49,Maps and hydrographic or similar charts of all kinds, including atlases, wall maps, topographical plans and globes, printed
490520,4905,Maps and hydrographic or similar charts; printed in book form, including atlases, topographical plans and similar
490590,4905,Maps and hydrographic or similar charts; (printed other than in book form), including wall maps, topographical plans and similar
4906,49,Plans and drawings; for architectural, engineering, industrial, commercial, topographical or similar, being originals drawn by hand; hand-written texts; photo- graphic reproductions; their carbon copies
490600,4906,Plans and drawings; for architectural, engineering, industrial, commercial, topographical or similar, being originals drawn by hand; hand-written texts; photo- graphic reproductions; their carbon copies
4907,49,Unused postage, revenue or similar stamps of current or new issue in the country in which they have, or will have, a recognised face value; stamp-impressed paper; cheque forms; banknotes, stock, share or bond certificates and the like of similar title
490700,4907,Unused postage, revenue or similar stamps of current or new issue in the country in which they have, or will have, a recognised face value; stamp-impressed paper; cheque forms; banknotes, stock, share or bond certificates and the like of similar title
4908,49,Transfers (decalcomanias)
490810,4908,Printed matter; transfers (decalcomanias), vitrifiable
490890,4908,Printed matter; transfers (decalcomanias), other than vitrifiable
4909,49,Printed or illustrated postcards; printed cards bearing personal greetings, messages or announcements, whether or not illustrated, with or without envelopes or trimmings
490900,4909,Printed or illustrated postcards; printed cards bearing personal greetings, messages or announcements, whether or not illustrated, with or without envelopes or trimmings
4910,49,Calendars of any kind, printed, including calendar blocks
491000,4910,Calendars; printed, of any kind, including calendar blocks
4911,49,Printed matter, n.e.c., including printed pictures and photographs
491110,4911,Printed matter; trade advertising material, commercial catalogues and the like
491191,4911,Printed matter; pictures, designs and photographs, n.e.c. in item no. 4911.10
491199,4911,Printed matter; n.e.c. in heading no. 4911
50,XI,Silk
5001,50,Silk-worm cocoons suitable for reeling
500100,5001,Silk; silk-worm cocoons suitable for reeling
5002,50,Raw silk (not thrown)
500200,5002,Silk; raw silk (not thrown)
5003,50,Silk waste (including cocoons unsuitable for reeling, yarn waste and garnetted stock)
500300,5003,Silk waste (including cocoons unsuitable for reeling, yarn waste and garnetted stock)
5004,50,Silk; yarn (other than yarn spun from silk waste), not put up for retail sale
500400,5004,Silk; yarn (other than yarn spun from silk waste), not put up for retail sale
5005,50,Yarn spun from silk waste, not put up for retail sale
500500,5005,Silk; yarn spun from silk waste, not put up for retail sale
5006,50,Silk yarn and yarn spun from silk waste, put up for retail sale; silk-worm gut
500600,5006,Silk yarn and yarn spun from silk waste; put up for retail sale, and silk-worm gut
5007,50,Woven fabrics of silk or of silk waste
500710,5007,Silk; woven fabrics of noil silk
500720,5007,Silk; woven fabrics, containing 85% or more by weight of silk or of silk waste other than noil silk
500790,5007,Silk; woven fabrics n.e.c. in heading no. 5007
51,XI,Wool, fine or coarse animal hair; horsehair yarn and woven fabric
5101,51,Wool, not carded or combed
510111,5101,Wool; (not carded or combed), greasy (including fleece-washed wool), shorn
510119,5101,Wool; (other than shorn), greasy (including fleece-washed wool), not carded or combed
510121,5101,Wool; (not carded or combed), degreased, (not carbonised), shorn
510129,5101,Wool; (not carded or combed), degreased, (not carbonised), (other than shorn)
510130,5101,Wool; (not carded or combed), carbonised
5102,51,Fine or coarse animal hair, not carded or combed
510211,5102,Hair; fine animal hair, not carded or combed, of kashmir (cashmere) goats
510219,5102,Hair; fine animal hair, not carded or combed, other than of kashmir (cashmere) goats
510220,5102,Hair; coarse animal hair, not carded or combed
5103,51,Waste of wool or of fine or coarse animal hair, including yarn waste but excluding garnetted stock
510310,5103,Wool and hair; noils of wool or of fine animal hair, including yarn waste, but excluding garnetted stock
510320,5103,Wool and hair; waste of wool or of fine animal hair, including yarn waste, but excluding garnetted stock and noils of wool or of fine animal hair
510330,5103,Wool and hair; waste of coarse animal hair, including yarn waste, but excluding garnetted stock
5104,51,Wool, or fine or coarse animal hair; garnetted stock
510400,5104,Wool and hair; garnetted stock of wool or of fine or coarse animal hair
5105,51,Wool and fine or coarse animal hair; carded or combed (including combed wool in fragments)
510510,5105,Wool; carded
510521,5105,Wool; wool tops and other combed wool, in fragments
510529,5105,Wool; wool tops and other combed wool, other than in fragments
510531,5105,Hair; fine animal hair, carded or combed, of kashmir (cashmere) goats
510539,5105,Hair; fine animal hair, carded or combed, other than of kashmir (cashmere) goats
510540,5105,Hair; coarse animal hair, carded or combed
5106,51,Yarn of carded wool, not put up for retail sale
510610,5106,Yarn; of carded wool, containing 85% or more by weight of wool, not put up for retail sale
510620,5106,Yarn; of carded wool, containing less than 85% by weight of wool, not put up for retail sale
5107,51,Yarn of combed wool, not put up for retail sale
510710,5107,Yarn; of combed wool, containing 85% or more by weight of wool, not put up for retail sale
510720,5107,Yarn; of combed wool, containing less than 85% by weight of wool, not put up for retail sale
5108,51,Yarn of fine animal hair (carded or combed), not put up for retail sale
510810,5108,Yarn; of fine animal hair, carded, not put up for retail sale
510820,5108,Yarn; of fine animal hair, combed, not put up for retail sale
5109,51,Yarn of wool or of fine animal hair, put up for retail sale
510910,5109,Yarn; of wool or of fine animal hair, containing 85% or more by weight of wool or fine animal hair, put up for retail sale
510990,5109,Yarn; of wool or of fine animal hair, containing less than 85% by weight of wool or fine animal hair, put up for retail sale
5110,51,Yarn of coarse animal hair or of horsehair (including gimped horsehair yarn), whether or not put up for retail sale
511000,5110,Yarn; of coarse animal hair or of horsehair (including gimped horsehair yarn), whether or not put up for retail sale
5111,51,Woven fabrics of carded wool or of carded fine animal hair
511111,5111,Fabrics, woven; of carded wool or of carded fine animal hair, containing 85% or more by weight of wool or of fine animal hair, of a weight not exceeding 300g/m2
511119,5111,Fabrics, woven; of carded wool or of carded fine animal hair, containing 85% or more by weight of wool or of fine animal hair, of a weight exceeding 300g/m2
511120,5111,Fabrics, woven; of carded wool or carded fine animal hair, containing less than 85% by weight of wool or fine animal hair, mixed mainly or solely with man-made filaments
511130,5111,Fabrics, woven; of carded wool or carded fine animal hair, containing less than 85% by weight of wool or fine animal hair, mixed mainly or solely with man-made staple fibres
511190,5111,Fabrics, woven; of carded wool or carded fine animal hair, containing less than 85% by weight of wool or fine animal hair, mixed mainly or solely with fibres n.e.c. in heading no. 5111
5112,51,Woven fabrics of combed wool or of combed fine animal hair
511211,5112,Fabrics, woven; of combed wool or combed fine animal hair, containing 85% or more by weight of wool or fine animal hair, of a weight not exceeding 200g/m2
511219,5112,Fabrics, woven; of combed wool or combed fine animal hair, containing 85% or more by weight of wool or fine animal hair, of a weight exceeding 200g/m2
511220,5112,Fabrics, woven; of combed wool or combed fine animal hair, containing less than 85% by weight of wool or fine animal hair, mixed mainly or solely with man-made filaments
511230,5112,Fabrics, woven; of combed wool or combed fine animal hair, containing less than 85% by weight of wool or fine animal hair, mixed mainly or solely with man-made staple fibres
511290,5112,Fabrics, woven; of combed wool or combed fine animal hair, containing less than 85% by weight of wool or fine animal hair, mixed mainly or solely with fibres n.e.c. in heading no. 5112
5113,51,Woven fabrics of coarse animal hair or of horsehair
511300,5113,Fabrics, woven; of coarse animal hair or of horsehair
52,XI,Cotton
5201,52,Cotton; not carded or combed
520100,5201,Cotton; not carded or combed
5202,52,Cotton waste (including yarn waste and garnetted stock)
520210,5202,Cotton; yarn waste (including thread waste)
520291,5202,Cotton; garnetted stock waste
520299,5202,Cotton; waste other than garnetted stock and yarn (including thread) waste
5203,52,Cotton, carded or combed
520300,5203,Cotton; carded or combed
5204,52,Cotton sewing thread, whether or not put up for retail sale
520411,5204,Cotton; sewing thread, containing 85% or more by weight of cotton, not put up for retail sale
520419,5204,Cotton; sewing thread, containing less than 85% by weight of cotton, not put up for retail sale
520420,5204,Cotton; sewing thread, put up for retail sale
5205,52,Cotton yarn (other than sewing thread), containing 85% or more by weight of cotton, not put up for retail sale
520511,5205,Cotton yarn; (not sewing thread), single, of uncombed fibres, 85% or more by weight of cotton, measuring 714.29 decitex or more, (not exceeding 14 metric number), not for retail sale
520512,5205,Cotton yarn; (not sewing thread), single, of uncombed fibres, 85% or more by weight of cotton, less than 714.29 but not less than 232.56 decitex (exceeding 14 but not exceeding 43 metric number), not for retail sale
520513,5205,Cotton yarn; (not sewing thread), single, of uncombed fibres, 85% or more by weight of cotton, less than 232.56 but not less than 192.31 decitex (exceeding 43 but not exceeding 52 metric number), not for retail sale
520514,5205,Cotton yarn; (not sewing thread), single, of uncombed fibres, 85% or more by weight of cotton, less than 192.31 but not less than 125 decitex (exceeding 52 but not exceeding 80 metric number), not for retail sale
520515,5205,Cotton yarn; (not sewing thread), single, of uncombed fibres, 85% or more by weight of cotton, measuring less than 125 decitex (exceeding 80 metric number), not for retail sale
520521,5205,Cotton yarn; (not sewing thread), single, of combed fibres, 85% or more by weight of cotton, measuring 714.29 decitex or more, (not exceeding 14 metric number), not for retail sale
520522,5205,Cotton yarn; (not sewing thread), single, of combed fibres, 85% or more by weight of cotton, less than 714.29 but not less than 232.56 decitex (exceeding 14 but not exceeding 43 metric number), not for retail sale
520523,5205,Cotton yarn; (not sewing thread), single, of combed fibres, 85% or more by weight of cotton, less than 232.56 but not less than 192.31 decitex (exceeding 43 but not exceeding 52 metric number), not for retail sale
520524,5205,Cotton yarn; (not sewing thread), single, of combed fibres, 85% or more by weight of cotton, less than 192.31 but not less than 125 decitex (exceeding 52 but not exceeding 80 metric number), not for retail sale
520526,5205,Cotton yarn; (not sewing thread), single, of combed fibres, 85% or more by weight of cotton, less than 125 but not less than 106.38 decitex (over 80 but not over 94 metric number), not for retail sale
520527,5205,Cotton yarn; (not sewing thread), single, of combed fibres, 85% or more by weight of cotton, less than 106.38 but not less than 83.33 decitex (over 94 but not over 120 metric number), not for retail sale
520528,5205,Cotton yarn; (not sewing thread), single, of combed fibres, 85% or more by weight of cotton, measuring less than 83.33 decitex (exceeding 120 metric number), not for retail sale
520531,5205,Cotton yarn; (not sewing thread), multiple or cabled, of uncombed fibres, 85% or more by weight of cotton, 714.29 decitex or more (not exceeding 14 metric number) per single yarn, not for retail sale
520532,5205,Cotton yarn; (not sewing thread), multiple or cabled, of uncombed fibres, 85% or more by weight of cotton, 714.28 to 232.56 decitex (15 to 43 metric number) per single yarn, not for retail sale
520533,5205,Cotton yarn; (not sewing thread), multiple or cabled, of uncombed fibres, 85% or more by weight of cotton, 232.55 to 192.31 decitex (44 to 52 metric number) per single yarn, not for retail sale
520534,5205,Cotton yarn; (not sewing thread), multiple or cabled, of uncombed fibres, 85% or more by weight of cotton, 192.30 to 125 decitex (53 to 80 metric number) per single yarn, not for retail sale
520535,5205,Cotton yarn; (not sewing thread), multiple or cabled, of uncombed fibres, 85% or more by weight of cotton, less than 125 decitex (exceeding 80 metric number), per single yarn, not for retail sale
520541,5205,Cotton yarn; (not sewing thread), multiple or cabled, of combed fibres, 85% or more by weight of cotton, 714.29 decitex or more (not exceeding 14 metric number) per single yarn, not for retail sale
520542,5205,Cotton yarn; (not sewing thread), multiple or cabled, of combed fibres, 85% or more by weight of cotton, 714.28 to 232.56 decitex (15 to 43 metric number) per single yarn, not for retail sale
520543,5205,Cotton yarn; (not sewing thread), multiple or cabled, of combed fibres, 85% or more by weight of cotton, 232.55 to 192.31 decitex (44 to 52 metric number) per single yarn, not for retail sale
520544,5205,Cotton yarn; (not sewing thread), multiple or cabled, of combed fibres, 85% or more by weight of cotton, 192.30 to 125 decitex (53 to 80 metric number) per single yarn, not for retail sale
520546,5205,Cotton yarn; (not sewing thread), multiple or cabled, of combed fibres, 85% or more by weight of cotton, 124 to 106.38 decitex (81 to 94 metric number) per single yarn, not for retail sale
520547,5205,Cotton yarn; (not sewing thread), multiple or cabled, of combed fibres, 85% or more by weight of cotton, 106.37 to 83.33 decitex (95 to 120 metric number) per single yarn, not for retail sale
520548,5205,Cotton yarn; (not sewing thread), multiple or cabled, of combed fibres, 85% or more by weight of cotton, less than 83.33 decitex (exceeding 120 metric number) per single yarn, not for retail sale
5206,52,Cotton yarn (other than sewing thread), containing less than 85% by weight of cotton, not put up for retail sale
520611,5206,Cotton yarn; (not sewing thread), single, of uncombed fibres, less than 85% by weight of cotton, measuring 714.29 decitex or more (not exceeding 14 metric number), not for retail sale
520612,5206,Cotton yarn; (not sewing thread), single, of uncombed fibres, less than 85% by weight of cotton, less than 714.29 but not less than 232.56 decitex (exceeding 14 but not exceeding 43 metric number), not for retail sale
520613,5206,Cotton yarn; (not sewing thread), single, of uncombed fibres, less than 85% by weight of cotton, less than 232.56 but not less than 192.31 decitex (exceeding 43 but not exceeding 52 metric number), not for retail sale
520614,5206,Cotton yarn; (not sewing thread), single, of uncombed fibres, less than 85% by weight of cotton, less than 192.31 but not less than 125 decitex (exceeding 52 but not exceeding 80 metric number), not for retail sale
520615,5206,Cotton yarn; (not sewing thread), single, of uncombed fibres, less than 85% by weight of cotton, measuring less than 125 decitex (exceeding 80 metric number), not for retail sale
520621,5206,Cotton yarn; (not sewing thread), single, of combed fibres, less than 85% by weight of cotton, measuring 714.29 decitex or more, (not exceeding 14 metric number), not for retail sale
520622,5206,Cotton yarn; (not sewing thread), single, of combed fibres, less than 85% by weight of cotton, less than 714.29 but not less than 232.56 decitex (exceeding 14 but not exceeding 43 metric number), not for retail sale
520623,5206,Cotton yarn; (not sewing thread), single, of combed fibres, less than 85% by weight of cotton, less than 232.56 but not less than 192.31 decitex (exceeding 43 but not exceeding 52 metric number), not for retail sale
520624,5206,Cotton yarn; (not sewing thread), single, of combed fibres, less than 85% by weight of cotton, less than 192.31 but not less than 125 decitex (exceeding 52 but not exceeding 80 metric number), not for retail sale
520625,5206,Cotton yarn; (not sewing thread), single, of combed fibres, less than 85% by weight of cotton, measuring less than 125 decitex (exceeding 80 metric number), not for retail sale
520631,5206,Cotton yarn; (not sewing thread), multiple or cabled, of uncombed fibres, less than 85% by weight of cotton, 714.29 decitex or more (not exceeding 14 metric number) per single yarn, not for retail sale
520632,5206,Cotton yarn; (not sewing thread), multiple or cabled, of uncombed fibres, less than 85% by weight of cotton, 714.28 to 232.56 decitex (15 to 43 metric number) per single yarn, not for retail sale
520633,5206,Cotton yarn; (not sewing thread), multiple or cabled, of uncombed fibres, less than 85% by weight of cotton, 232.55 to 192.31 decitex (44 to 52 metric number) per single yarn, not for retail sale
520634,5206,Cotton yarn; (not sewing thread), multiple or cabled, of uncombed fibres, less than 85% by weight of cotton, 192.30 to 125 decitex (53 to 80 metric number) per single yarn, not for retail sale
520635,5206,Cotton yarn; (not sewing thread), multiple or cabled, of uncombed fibres, less than 85% by weight of cotton, less than 125 decitex (exceeding 80 metric number) per single yarn, not for retail sale
520641,5206,Cotton yarn; (not sewing thread), multiple or cabled, of combed fibres, less than 85% by weight of cotton, 714.29 decitex or more (not exceeding 14 metric number) per single yarn, not for retail sale
520642,5206,Cotton yarn; (not sewing thread), multiple or cabled, of combed fibres, less than 85% by weight of cotton, 714.28 to 232.56 decitex (15 to 43 metric number) per single yarn, not for retail sale
520643,5206,Cotton yarn; (not sewing thread), multiple or cabled, of combed fibres, less than 85% by weight of cotton, 232.55 to 192.31 decitex (44 to 52 metric number) per single yarn, not for retail sale
520644,5206,Cotton yarn; (not sewing thread), multiple or cabled, of combed fibres, less than 85% by weight of cotton, 192.30 to 125 decitex (53 to 80 metric number) per single yarn, not for retail sale
520645,5206,Cotton yarn; (not sewing thread), multiple or cabled, of combed fibres, less than 85% by weight of cotton, less than 125 decitex (exceeding 80 metric number) per single yarn, not for retail sale
5207,52,Cotton yarn (other than sewing thread), put up for retail sale
520710,5207,Cotton yarn; (not sewing thread), containing 85% or more by weight of cotton, put up for retail sale
520790,5207,Cotton yarn; (not sewing thread), containing less than 85% by weight of cotton, put up for retail sale
5208,52,Woven fabrics of cotton, containing 85% or more by weight of cotton, weighing not more than 200 g/m2
520811,5208,Fabrics, woven; containing 85% or more by weight of cotton, unbleached, plain weave, weighing not more than 100g/m2
520812,5208,Fabrics, woven; containing 85% or more by weight of cotton, unbleached, plain weave, weighing more than 100g/m2 but not more than 200g/m2
520813,5208,Fabrics, woven; containing 85% or more by weight of cotton, unbleached, 3-thread or 4-thread twill, including cross twill, weighing not more than 200g/m2
520819,5208,Fabrics, woven; containing 85% or more by weight of cotton, unbleached, of weaves n.e.c. in item no. 5208.1, weighing not more than 200g/m2
520821,5208,Fabrics, woven; containing 85% or more by weight of cotton, bleached, plain weave, weighing not more than 100g/m2
520822,5208,Fabrics, woven; containing 85% or more by weight of cotton, bleached, plain weave, weighing more than 100g/m2 but not more than 200g/m2
520823,5208,Fabrics, woven; containing 85% or more by weight of cotton, bleached, 3-thread or 4-thread twill, including cross twill, weighing not more than 200g/m2
520829,5208,Fabrics, woven; containing 85% or more by weight of cotton, bleached, of weaves n.e.c. in item no. 5208.2, weighing not more than 200g/m2
520831,5208,Fabrics, woven; containing 85% or more by weight of cotton, dyed, plain weave, weighing not more than 100g/m2
520832,5208,Fabrics, woven; containing 85% or more by weight of cotton, dyed, plain weave, weighing more than 100g/m2 but not more than 200g/m2
520833,5208,Fabrics, woven; containing 85% or more by weight of cotton, dyed, 3-thread or 4-thread twill, including cross twill, weighing not more than 200g/m2
520839,5208,Fabrics, woven; containing 85% or more by weight of cotton, dyed, of weaves n.e.c. in item no. 5208.3 weighing not more than 200g/m2
520841,5208,Fabrics, woven; containing 85% or more by weight of cotton, of yarns of different colours, plain weave, weighing not more than 100g/m2
520842,5208,Fabrics, woven; containing 85% or more by weight of cotton, of yarns of different colours, weighing more than 100g/m2 but not more than 200g/m2
520843,5208,Fabrics, woven; containing 85% or more by weight of cotton, of yarns of different colours, 3-thread or 4-thread twill, including cross twill, weighing not more than 200g/m2
520849,5208,Fabrics, woven; containing 85% or more by weight of cotton, of yarns of different colours, of weaves n.e.c. in item no. 5208.4, weighing not more than 200g/m2
520851,5208,Fabrics, woven; containing 85% or more by weight of cotton, printed, plain weave, weighing not more than 100g/m2
520852,5208,Fabrics, woven; containing 85% or more by weight of cotton, printed, plain weave, weighing more than 100g/m2 but not more than 200g/m2
520859,5208,Fabrics, woven; containing 85% or more by weight of cotton, printed, of weaves n.e.c. in item no. 5208.5, weighing not more than 200g/m2
5209,52,Woven fabrics of cotton, containing 85% or more by weight of cotton, weighing more than 200g/m2
520911,5209,Fabrics, woven; containing 85% or more by weight of cotton, unbleached, plain weave, weighing more than 200g/m2
520912,5209,Fabrics, woven; containing 85% or more by weight of cotton, unbleached, 3-thread or 4-thread twill, including cross twill, weighing more than 200g/m2
520919,5209,Fabrics, woven; containing 85% or more by weight of cotton, unbleached, of weaves n.e.c. in item no. 5209.1, weighing more than 200g/m2
520921,5209,Fabrics, woven; containing 85% or more by weight of cotton, bleached, plain weave, weighing more than 200g/m2
520922,5209,Fabrics, woven; containing 85% or more by weight of cotton, bleached, 3-thread or 4-thread twill, including cross twill, weighing more than 200g/m2
520929,5209,Fabrics, woven; containing 85% or more by weight of cotton, bleached, of weaves n.e.c. in item no. 5209.2, weighing more than 200g/m2
520931,5209,Fabrics, woven; containing 85% or more by weight of cotton, dyed, plain weave, weighing more than 200g/m2
520932,5209,Fabrics, woven; containing 85% or more by weight of cotton, dyed, 3-thread or 4-thread twill, including cross twill, weighing more than 200g/m2
520939,5209,Fabrics, woven; containing 85% or more by weight of cotton, dyed, of weaves n.e.c. in item no. 5209.3, weighing more than 200g/m2
520941,5209,Fabrics, woven; containing 85% or more by weight of cotton, of yarns of different colours, plain weave, weighing more than 200g/m2
520942,5209,Fabrics, woven; containing 85% or more by weight of cotton, of yarns of different colours, weighing more than 200g/m2, denim
520943,5209,Fabrics, woven; containing 85% or more by weight of cotton, of yarns of different colours, 3-thread or 4-thread twill, including cross twill, weighing more than 200g/m2
520949,5209,Fabrics, woven; containing 85% or more by weight of cotton, of yarns of different colours, of weaves n.e.c. in item no. 5209.4, weighing more than 200g/m2
520951,5209,Fabrics, woven; containing 85% or more by weight of cotton, printed, plain weave, weighing more than 200g/m2
520952,5209,Fabrics, woven; containing 85% or more by weight of cotton, printed, 3-thread or 4-thread twill, including cross twill, weighing more than 200g/m2
520959,5209,Fabrics, woven; containing 85% or more by weight of cotton, printed, of weaves n.e.c. in item no. 5209.5, weighing more than 200g/m2
5210,52,Woven fabrics of cotton, containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, weighing not more than 200 g/m2
521011,5210,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, unbleached, plain weave, weighing 200g/m2 or less
521019,5210,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, unbleached, of weaves n.e.c. in item no. 5210.1, weighing 200g/m2 or less
521021,5210,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, bleached, plain weave, weighing 200g/m2 or less
521029,5210,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, weighing 200g/m2 or less, bleached, of weaves n.e.c. in item no. 5210.2
521031,5210,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, weighing 200g/m2 or less, dyed, plain weave
521032,5210,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, weighing 200g/m2 or less, dyed, 3-thread or 4-thread twill, including cross twill
521039,5210,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, weighing 200g/m2 or less, dyed, of weaves n.e.c. in item no. 5210.3
521041,5210,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, weighing 200g/m2 or less, of yarns of different colours, plain weave
521049,5210,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, weighing 200g/m2 or less, of yarns of different colours, of weaves n.e.c. in item no. 5210.4
521051,5210,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, weighing 200g/m2 or less, printed, plain weave
521059,5210,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, weighing 200g/m2 or less, printed, of weaves n.e.c. in item no. 5210.5
5211,52,Woven fabrics of cotton, containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, weighing more than 200g/m2
521111,5211,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, unbleached, plain weave, weighing more than 200g/m2
521112,5211,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, unbleached, 3- or 4-thread twill, including cross twill, weighing more than 200g/m2
521119,5211,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, unbleached, of weaves n.e.c. in item no. 5211.1, weighing more than 200g/m2
521120,5211,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, weighing more than 200g/m2, bleached
521131,5211,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, weighing more than 200g/m2, dyed, plain weave
521132,5211,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, weighing more than 200g/m2, dyed, 3-thread or 4-thread twill, including cross twill
521139,5211,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, weighing more than 200g/m2, dyed, of weaves n.e.c. in item no. 5211.3
521141,5211,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, weighing more than 200g/m2, of yarns of different colours, plain weave
521142,5211,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, weighing more than 200g/m2, of yarns of different colours, denim
521143,5211,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, weighing more than 200g/m2, of yarns of different colours, 3-thread or 4-thread twill, including cross twill
521149,5211,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, weighing more than 200g/m2, of yarns of different colours, of weaves n.e.c. in item no. 5211.4
521151,5211,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, weighing more than 200g/m2, printed, plain weave
521152,5211,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, weighing more than 200g/m2, printed, 3-thread or 4-thread twill, including cross twill
521159,5211,Fabrics, woven; containing less than 85% by weight of cotton, mixed mainly or solely with man-made fibres, weighing more than 200g/m2, printed, of weaves n.e.c. in item no. 5211.5
5212,52,Other woven fabrics of cotton, n.e.c. in chapter 52
521211,5212,Fabrics, woven; of cotton, unbleached, weighing not more than 200g/m2, n.e.c. in chapter 52
521212,5212,Fabrics, woven; of cotton, bleached, weighing not more than 200g/m2, n.e.c. in chapter 52
521213,5212,Fabrics, woven; of cotton, dyed, weighing not more than 200g/m2, n.e.c. in chapter 52
521214,5212,Fabrics, woven; of cotton, of yarns of different colours, weighing not more than 200g/m2, n.e.c. in chapter 52
521215,5212,Fabrics, woven; of cotton, printed, weighing not more than 200g/m2, n.e.c. in chapter 52
521221,5212,Fabrics, woven; of cotton, unbleached, weighing more than 200g/m2, n.e.c. in chapter 52
521222,5212,Fabrics, woven; of cotton, bleached, weighing more than 200g/m2, n.e.c. in chapter 52
521223,5212,Fabrics, woven; of cotton, dyed, weighing more than 200g/m2, n.e.c. in chapter 52
521224,5212,Fabrics, woven; of cotton, of yarns of different colours, weighing more than 200g/m2, n.e.c. in chapter 52
521225,5212,Fabrics, woven; of cotton, printed, weighing more than 200g/m2, n.e.c. in chapter 52
53,XI,Vegetable textile fibres; paper yarn and woven fabrics of paper yarn
5301,53,Flax, raw or processed but not spun; flax tow and waste (including yarn waste and garnetted stock)
530110,5301,Flax; raw or retted, but not spun
530121,5301,Flax; broken or scutched, but not spun
530129,5301,Flax; hackled or otherwise processed, but not spun
530130,5301,Flax; tow and waste, including yarn waste and garnetted stock
5302,53,True hemp (cannabis sativa L.), raw or processed but not spun; tow and waste of true hemp (including yarn waste and garnetted stock)
530210,5302,Hemp (cannabis sativa L.); raw or retted, but not spun
530290,5302,Hemp (cannabis sativa L.); processed (other than retted) (but not spun), true hemp tow and waste (including yarn waste and garnetted stock)
5303,53,Jute and other textile bast fibres (not flax, true hemp and ramie), raw or processed but not spun; tow and waste of these fibres, including yarn waste and garnetted stock
530310,5303,Jute and other textile bast fibres; raw or retted, but not spun, (excluding flax, hemp (cannabis sativa L.), and ramie)
530390,5303,Jute and other textile bast fibres; processed but not spun, tow and waste of these fibres, including yarn waste and garnetted stock (excluding flax, hemp (cannabis sativa L.), and ramie)
5305,53,Coconut, abaca (Manila hemp or Musa textilis Nee), ramie and other vegetable textile fibres n.e.c., raw or processed but not spun; tow, noils and waste of these fibres (including yarn waste and garnetted stock)
530500,5305,Coconut, abaca (Manila hemp or Musa textilis Nee), ramie and other vegetable textile fibres n.e.c., raw or processed but not spun; tow, noils and waste of these fibres (including yarn waste and garnetted stock)
5306,53,Flax yarn
530610,5306,Yarn; of flax, single
530620,5306,Yarn; of flax, multiple (folded) or cabled
5307,53,Yarn of jute or of other textile bast fibres of heading no. 5305
530710,5307,Yarn; of jute or of other textile bast fibres, single
530720,5307,Yarn; of jute or of other textile bast fibres, multiple (folded) or cabled
5308,53,Yarn of other vegetable textile fibres; paper yarn
530810,5308,Yarn; of coir
530820,5308,Yarn; of hemp (cannabis sativa L.)
530890,5308,Yarn; of vegetable textile fibres n.e.c. in heading no. 5306, 5307 and 5308
5309,53,Woven fabrics of flax
530911,5309,Fabrics, woven; of flax, containing 85% or more flax, unbleached or bleached
530919,5309,Fabrics, woven; of flax, containing 85% or more flax, other than bleached or unbleached
530921,5309,Fabrics, woven; of flax, containing less than 85% flax, unbleached or bleached
530929,5309,Fabrics, woven; of flax, containing less than 85% flax, other than unbleached or bleached
5310,53,Woven fabrics of jute, other textile bast fibres of heading no. 5303
531010,5310,Fabrics, woven; of jute or of other textile bast fibres of heading no. 5303, unbleached
531090,5310,Fabrics, woven; of jute or of other textile bast fibres of heading no. 5303, other than unbleached
5311,53,Woven fabrics of other vegetable textile fibres; woven fabrics of paper yarn
531100,5311,Fabrics, woven; of vegetable textile fibres n.e.c. in heading no. 5309 and 5310, woven fabrics of paper yarn
54,XI,Man-made filaments; strip and the like of man-made textile materials
5401,54,Sewing thread of man-made filaments, whether or not put up for retail sale
540110,5401,Sewing thread; of synthetic filaments, whether or not put up for retail sale
540120,5401,Sewing thread; of artificial filaments, whether or not put up for retail sale
5402,54,Synthetic filament yarn (other than sewing thread), not put up for retail sale, including synthetic monofilament of less than 67 decitex
540211,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), of high tenacity yarn of nylon or other polyamides, textured or not; of aramids, not for retail sale, not sewing thread
540219,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), of high tenacity nylon or other polyamides, textured or not; other than aramids, not for retail sale, not sewing thread
540220,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), of high tenacity yarn of polyesters, whether or not textured, not for retail sale, not sewing thread
540231,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), textured, of nylon or other polyamides, measuring per single yarn not more than 50 decitex, not for retail sale, not sewing thread
540232,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), textured, of nylon or other polyamides, measuring per single yarn more than 50 decitex, not for retail sale, not sewing thread
540233,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), textured, of polyesters, not for retail sale, not sewing thread
540234,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), textured, of polypropylene, not for retail sale, not sewing thread
540239,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), textured, other than of nylon or other polymides, polyesters, or polypropylene, not for retail sale, not sewing thread
540244,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), other than high tenacity or textured yarn, elastomeric, single, untwisted or twisted 50 turns or less per metre, not for retail sale, not sewing thread
540245,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), of nylon or other polymides (not high tenacity or textured), single, untwisted or twisted 50 turns or less per metre, not for retail sale, not sewing thread
540246,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), of polyesters (not high tenacity or textured), partially oriented, single, untwisted or twisted 50 turns or less per metre, not for retail sale, not sewing thread
540247,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), polyesters (not high tenacity or textured), not partially oriented, single, untwisted or twisted 50 turns or less per metre, not for retail sale, not sewing thread
540248,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), of polypropylene (not high tenacity or textured), single, untwisted or twisted 50 turns or less per metre, not for retail sale, not sewing thread
540249,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), other than high tenacity or textured yarn, single, untwisted or twisted 50 turns or less per metre, n.e.c. in heading no. 5402, not for retail sale, not sewing thread
540251,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), of nylon or other polymides (not high tenacity or textured), single, twisted more than 50 turns per metre, not for retail sale, not sewing thread
540252,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), of polyesters (not high tenacity or textured), single, twisted more than 50 turns per metre, not for retail sale, not sewing thread
540253,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), of polypropylene (not high tenacity or textured), single, twisted more than 50 turns per metre, not for retail sale, not sewing thread
540259,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), other than high tenacity or textured yarn, single, twisted more than 50 turns per metre, n.e.c. in heading no. 5402, not for retail sale, not sewing thread
540261,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), of nylon or other polymides (not high tenacity or textured), multiple (folded) or cabled, not for retail sale, not sewing thread
540262,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), of polyesters (not high tenacity or textured), multiple (folded) or cabled, not for retail sale, not sewing thread
540263,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), of polypropylene, other than high tenacity or textured yarn, multiple (folded) or cabled, not for retail sale, not sewing thread
540269,5402,Yarn, synthetic; filament, monofilament (less than 67 decitex), other than high tenacity or textured yarn, multiple (folded) or cabled, n.e.c. in heading no. 5402, not for retail sale, not sewing thread
5403,54,Artificial filament yarn (other than sewing thread), not put up for retail sale, including artificial monofilament of less than 67 decitex
540310,5403,Yarn, artificial; filament, monofilament (less than 67 decitex), of high tenacity viscose rayon, not for retail sale, not sewing thread
540331,5403,Yarn, artificial; filament, monofilament (less than 67 decitex), of viscose rayon (not high tenacity), single, untwisted or twisted 120 turns per metre or less, not for retail sale, not sewing thread
540332,5403,Yarn, artificial; filament, monofilament (less than 67 decitex), of viscose rayon (not high tenacity), single, twisted more than 120 turns per metre, not for retail sale, not sewing thread
540333,5403,Yarn, artificial; filament, monofilament (less than 67 decitex), of cellulose acetate, single, not for retail sale, not sewing thread
540339,5403,Yarn, artificial; filament, monofilament (less than 67 decitex), single, n.e.c. in heading no. 5403, not for retail sale, not sewing thread
540341,5403,Yarn, artificial; filament, monofilament (less than 67 decitex), of viscose rayon (not high tenacity), multiple (folded) or cabled, not for retail sale, not sewing thread
540342,5403,Yarn, artificial; filament, monofilament (less than 67 decitex), of cellulose acetate, multiple (folded) or cabled, not for retail sale, not sewing thread
540349,5403,Yarn, artificial; filament, monofilament (less than 67 decitex), multiple (folded) or cabled, n.e.c. in heading no. 5403, not for retail sale, not sewing thread
5404,54,Synthetic monofilament of 67 decitex or more, of which no cross-sectional dimension exceeds 1mm; strip and the like (e.g. artificial straw) of synthetic textile materials of an apparent width not exceeding 5mm
540411,5404,Elastomeric monofilament; of 67 decitex or more and of which no cross-sectional dimension exceeds 1mm
540412,5404,Monofilament of polypropylene; of 67 decitex or more and of which no cross-sectional dimension exceeds 1mm
540419,5404,Monofilament n.e.c. in heading no 5404; of 67 decitex or more and of which no cross-sectional dimension exceeds 1mm
540490,5404,Filament, synthetic; strip and the like (e.g.. artificial straw), of synthetic textile materials of an apparent width not exceeding 5mm
5405,54,Artificial monofilament of 67 decitex or more, no cross-sectional dimension exceeds 1mm; strip and the like (e.g. artificial straw), of artificial textile materials of a width not exceeding 5mm
540500,5405,Monofilament, synthetic; of 67 decitex or more and of which no cross-sectional dimension exceeds 1mm, strip and the like (e.g. artificial straw), of synthetic textile materials with width not over 5mm
5406,54,Man-made filament yarn (other than sewing thread), put up for retail sale
540600,5406,Man-made filament yarn (other than sewing thread), put up for retail sale
5407,54,Woven fabrics of synthetic filament yarn, including woven fabrics obtained from materials of heading no. 5404
540710,5407,Fabrics, woven; from high tenacity yarn, of nylon, other polyamides or of polyesters
540720,5407,Fabrics, woven; from strip or the like, of synthetic textile materials
540730,5407,Fabrics, woven; from synthetic filament yarn, adhesive or thermal bonded
540741,5407,Fabrics, woven; containing 85% or more by weight of filaments of nylon or other polyamides, unbleached or bleached
540742,5407,Fabrics, woven; containing 85% or more by weight of filaments of nylon or other polyamides, dyed
540743,5407,Fabrics, woven; containing 85% or more by weight of filaments of nylon or other polyamides, of yarns of different colours
540744,5407,Fabrics, woven; containing 85% or more by weight of filaments of nylon or other polyamides, printed
540751,5407,Fabrics, woven; containing 85% or more by weight of textured polyester filaments, unbleached or bleached
540752,5407,Fabrics, woven; containing 85% or more by weight of textured polyester filaments, dyed
540753,5407,Fabrics, woven; containing 85% or more by weight of textured polyester filaments, of yarns of different colours
540754,5407,Fabrics, woven; containing 85% or more by weight of textured polyester filaments, printed
540761,5407,Fabrics, woven; containing 85% or more by weight of non-textured polyester filaments
540769,5407,Fabrics, woven; containing less than 85% by weight of non-textured polyester filaments
540771,5407,Fabrics, woven; containing 85% or more by weight of synthetic filaments (excluding nylon or other polyamides and polyesters), unbleached or bleached
540772,5407,Fabrics, woven; containing 85% or more by weight of synthetic filaments (excluding nylon or other polyamides and polyesters), dyed
540773,5407,Fabrics, woven; containing 85% or more by weight of synthetic filaments (excluding nylon or other polyamides and polyesters), of yarns of different colours
540774,5407,Fabrics, woven; containing 85% or more by weight of synthetic filaments (excluding nylon or other polyamides and polyesters), printed
540781,5407,Fabrics, woven; of synthetic filament yarn, containing less than 85% by weight of synthetic filaments, mixed mainly or solely with cotton, bleached or unbleached
540782,5407,Fabrics, woven; of synthetic filament yarn, containing less than 85% by weight of synthetic filaments, mixed mainly or solely with cotton, dyed
540783,5407,Fabrics, woven; of synthetic filament yarn, containing less than 85% by weight of synthetic filaments, mixed mainly or solely with cotton, of yarns of different colours
540784,5407,Fabrics, woven; of synthetic filament yarn, containing less than 85% by weight of synthetic filaments, printed
540791,5407,Fabrics, woven; of synthetic filament yarn, bleached or unbleached, n.e.c. in heading no. 5407
540792,5407,Fabrics, woven; of synthetic filament yarn, dyed, n.e.c. in heading 5407
540793,5407,Fabrics, woven; of synthetic filament yarn, of yarns of different colours, n.e.c. in heading no. 5407
540794,5407,Fabrics, woven; of synthetic filament yarn, printed, n.e.c. in heading no. 5407
5408,54,Woven fabrics of artificial filament yarn including woven fabrics obtained from materials of heading no. 5404
540810,5408,Fabrics, woven; of viscose rayon, high tenacity, artificial filament yarn
540821,5408,Fabrics, woven; of artificial filament yarn, containing 85% or more by weight of artificial filament, strip or the like, bleached or unbleached
540822,5408,Fabrics, woven; of artificial filament yarn, containing 85% or more by weight of artificial filament, strip or the like, dyed
540823,5408,Fabrics, woven; containing 85% or more by weight of artificial filament, strip or the like, of yarns of different colours
540824,5408,Fabrics, woven; of artificial filament yarn, containing 85% or more by weight of artificial filament, strip or the like, printed
540831,5408,Fabrics, woven; of artificial filament yarn, of artificial monofilament, strip and the like, n.e.c. in heading no. 5408, unbleached or bleached
540832,5408,Fabrics, woven; of artificial filament yarn, of artificial monofilament, strip and the like, n.e.c. in heading no. 5408, dyed
540833,5408,Fabrics, woven; of artificial filament yarn, of artificial monofilament, strip and the like, n.e.c. in heading no. 5408, of yarns of different colours
540834,5408,Fabrics, woven; of artificial filament yarn, of artificial monofilament, strip and the like, n.e.c. in heading no. 5408, printed
55,XI,Man-made staple fibres
5501,55,Synthetic filament tow
550111,5501,Fibres; synthetic filament tow, of nylon or other polyamides, of aramids
550119,5501,Fibres; synthetic filament tow, of nylon or other polyamides, of other than aramids
550120,5501,Fibres; synthetic filament tow, of polyesters
550130,5501,Fibres; synthetic filament tow, acrylic or modacrylic
550140,5501,Fibres; synthetic filament tow, of polypropylene
550190,5501,Fibres; synthetic filament tow, of synthetic materials n.e.c. in heading no. 5501
5502,55,Artificial filament tow
550210,5502,Fibres; artificial filament tow of cellulose acetate
550290,5502,Fibres; artificial filament tow, other than cellulose acetate
5503,55,Synthetic staple fibres, not carded, combed or otherwise processed for spinning
550311,5503,Fibres; synthetic staple fibres, of aramids, not carded, combed or otherwise processed for spinning
550319,5503,Fibres; synthetic staple fibres, of nylon or other polyamides other than aramids, not carded, combed or otherwise processed for spinning
550320,5503,Fibres; synthetic staple fibres, of polyesters, not carded, combed or otherwise processed for spinning
550330,5503,Fibres; synthetic staple fibres, acrylic or modacrylic, not carded, combed or otherwise processed for spinning
550340,5503,Fibres; synthetic staple fibres, of polypropylene, not carded, combed or otherwise processed for spinning
550390,5503,Fibres; synthetic staple fibres, of synthetic materials n.e.c. in heading no. 5503, not carded, combed or otherwise processed for spinning
5504,55,Artificial staple fibres, not carded, combed or otherwise processed for spinning
550410,5504,Fibres; artificial staple fibres, of viscose, not carded, combed or otherwise processed for spinning
550490,5504,Fibres; artificial staple fibres, other than of viscose, not carded, combed or otherwise processed for spinning
5505,55,Waste (including noils, yarn waste and garnetted stock), of man-made fibres
550510,5505,Fibres; waste (including noils, yarn waste and garnetted stock), of synthetic fibres
550520,5505,Fibres; waste (including noils, yarn waste and garnetted stock), of artificial fibres
5506,55,Synthetic staple fibres, carded, combed or otherwise processed for spinning
550610,5506,Fibres; synthetic staple fibres, of nylon or other polyamides, carded, combed or otherwise processed for spinning
550620,5506,Fibres; synthetic staple fibres, of polyesters, carded, combed or otherwise processed for spinning
550630,5506,Fibres; synthetic staple fibres, acrylic or modacrylic, carded, combed or otherwise processed for spinning
550640,5506,Fibres; synthetic staple fibres, of polypropylene, carded, combed or otherwise processed for spinning
550690,5506,Fibres; synthetic staple fibres, n.e.c. in heading no. 5506, carded, combed or otherwise processed for spinning
5507,55,Artificial staple fibres, carded, combed or otherwise processed for spinning
550700,5507,Fibres; artificial staple fibres, carded, combed or otherwise processed for spinning
5508,55,Sewing thread of man-made staple fibres, whether or not put up for retail sale
550810,5508,Sewing thread; of synthetic staple fibres, whether or not put up for retail sale
550820,5508,Sewing thread; of artificial staple fibres, whether or not put up for retail sale
5509,55,Yarn (other than sewing thread) of synthetic staple fibres, not put up for retail sale
550911,5509,Yarn; (not sewing thread), single, of synthetic staple fibres, containing 85% or more by weight of nylon or other polyamides, not put up for retail sale
550912,5509,Yarn; (not sewing thread), multiple (folded) or cabled yarn, of synthetic staple fibres, containing 85% or more by weight of nylon or other polyamides, not put up for retail sale
550921,5509,Yarn; (not sewing thread), single, of synthetic staple fibres, containing 85% or more by weight of polyester, not put up for retail sale
550922,5509,Yarn; (not sewing thread), multiple (folded) or cabled yarn, of synthetic staple fibres, containing 85% or more by weight of polyester, not put up for retail sale
550931,5509,Yarn; (not sewing thread), single, of synthetic staple fibres, containing 85% or more by weight of acrylic or modacrylic, not put up for retail sale
550932,5509,Yarn; (not sewing thread), multiple (folded) or cabled, of synthetic staple fibres, containing 85% or more by weight of acrylic or modacrylic, not put up for retail sale
550941,5509,Yarn; (not sewing thread), single, containing 85% or more by weight of synthetic staple fibres, n.e.c. in heading no. 5509, not put up for retail sale
550942,5509,Yarn; (not sewing thread), multiple (folded) or cabled yarn, containing 85% or more by weight of synthetic staple fibres, n.e.c. in heading no. 5509, not put up for retail sale
550951,5509,Yarn; (not sewing thread), of polyester staple fibres, mixed mainly or solely with artificial staple fibres, not put up for retail sale
550952,5509,Yarn; (not sewing thread), of polyester staple fibres, mixed mainly or solely with wool or fine animal hair, not put up for retail sale
550953,5509,Yarn; (not sewing thread), of polyester staple fibres, mixed mainly or solely with cotton, not put up for retail sale
550959,5509,Yarn; (not sewing thread), of polyester staple fibres, mixed mainly or solely with fibres n.e.c. in item no. 5509.5, not put up for retail sale
550961,5509,Yarn; (not sewing thread), of acrylic or modacrylic staple fibres, mixed mainly or solely with wool or fine animal hair, not put up for retail sale
550962,5509,Yarn; (not sewing thread), of acrylic or modacrylic staple fibres, mixed mainly or solely with cotton, not put up for retail sale
550969,5509,Yarn; (not sewing thread), of acrylic or modacrylic staple fibres, mixed mainly or solely with fibres n.e.c. in item no. 5509.6, not put up for retail sale
550991,5509,Yarn; (not sewing thread), of synthetic staple fibres, mixed mainly or solely with wool or fine animal hair, n.e.c. in heading no. 5509, not put up for retail sale
550992,5509,Yarn; (not sewing thread), of synthetic staple fibres, mixed mainly or solely with cotton, n.e.c. in heading no. 5509, not put up for retail sale
550999,5509,Yarn; (not sewing thread), of synthetic staple fibres, mixed mainly or solely with fibres (other than wool, fine animal hair or cotton), n.e.c. in heading no. 5509, not put up for retail sale
5510,55,Yarn (other than sewing thread) of artificial staple fibres, not put up for retail sale
551011,5510,Yarn; (not sewing thread), single, of artificial staple fibres, containing 85% or more by weight of artificial staple fibres, not put up for retail sale
551012,5510,Yarn; (not sewing thread), multiple (folded) or cabled yarn, of artificial staple fibres, containing 85% or more by weight of artificial staple fibres, not put up for retail sale
551020,5510,Yarn; (not sewing thread), of artificial staple fibres, mixed mainly or solely with wool or fine animal hair, not put up for retail sale
551030,5510,Yarn; (not sewing thread), of artificial staple fibres, mixed mainly or solely with cotton, not put up for retail sale
551090,5510,Yarn; (not sewing thread), of artificial staple fibres, mixed mainly or solely with fibres (other than wool, fine animal hair or cotton), not put up for retail sale
5511,55,Yarn (not sewing thread), of man-made staple fibres, put up for retail sale
551110,5511,Yarn; (not sewing thread), of synthetic staple fibres, containing 85% or more by weight of synthetic staple fibres, put up for retail sale
551120,5511,Yarn; (not sewing thread), of synthetic staple fibres, containing less than 85% by weight of synthetic staple fibres, put up for retail sale
551130,5511,Yarn; (not sewing thread), of artificial staple fibres, put up for retail sale
5512,55,Woven fabrics of synthetic staple fibres, containing 85% or more by weight of synthetic staple fibres
551211,5512,Fabrics, woven; of synthetic staple fibres, containing 85% or more by weight of polyester staple fibres, unbleached or bleached
551219,5512,Fabrics, woven; of synthetic staple fibres, containing 85% or more by weight of polyester staple fibres, other than unbleached or bleached
551221,5512,Fabrics, woven; of synthetic staple fibres, containing 85% or more by weight of acrylic or modacrylic staple fibres, unbleached or bleached
551229,5512,Fabrics, woven; of synthetic staple fibres, containing 85% or more by weight of acrylic or modacrylic staple fibres, other than unbleached or bleached
551291,5512,Fabrics, woven; of synthetic staple fibres, containing 85% or more by weight of such fibres n.e.c. in heading no. 5512, unbleached or bleached
551299,5512,Fabrics, woven; of synthetic staple fibres, containing 85% or more by weight of such fibres n.e.c. in heading no. 5512, other than unbleached or bleached
5513,55,Woven fabrics of synthetic staple fibres, containing less than 85% by weight of such fibres, mixed mainly or solely with cotton, of a weight not exceeding 170g/m2
551311,5513,Fabrics, woven; plain weave, of polyester staple fibres, containing less than 85% by weight of such fibres, mixed mainly or solely with cotton, of a weight not exceeding 170g/m2, unbleached or bleached
551312,5513,Fabrics, woven; 3-thread or 4-thread twill, of polyester staple fibres, containing less than 85% by weight of such, mixed mainly or solely with cotton, not exceeding 170g/m2, unbleached or bleached
551313,5513,Fabrics, woven; of polyester staple fibres, containing less than 85% by weight of such fibres, mixed mainly or solely with cotton, not exceeding 170g/m2, unbleached or bleached
551319,5513,Fabrics, woven; containing less than 85% by weight of synthetic staple fibres (other than polyesters), mixed mainly or solely with cotton, not exceeding 170g/m2, unbleached or bleached
551321,5513,Fabrics, woven; plain weave, dyed, containing less than 85% by weight of polyester staple fibres, mixed mainly or solely with cotton, not exceeding 170g/m2
551323,5513,Fabrics, woven; dyed, containing less than 85% by weight of polyester staple fibres, mixed mainly or solely with cotton, not exceeding 170g/m2
551329,5513,Fabrics, woven; dyed, containing less than 85% by weight of synthetic staple fibres (other than polyesters), mixed mainly or solely with cotton, not exceeding 170g/m2
551331,5513,Fabrics, woven; plain weave, of yarns of different colours, containing less than 85% by weight of polyester staple fibres, mixed mainly or solely with cotton, not exceeding 170g/m2
551339,5513,Fabrics, woven; of yarns of different colours, containing less than 85% of synthetic staple fibres (other than polyester, plain weave), mixed mainly or solely with cotton, not exceeding 170g/m2
551341,5513,Fabrics, woven; plain weave, printed, of polyester staple fibres, containing less than 85% by weight of such fibres, mixed mainly or solely with cotton, not exceeding 170g/m2
551349,5513,Fabrics, woven; printed, containing less than 85% by weight of synthetic staple fibres (other than polyester, plain weave), mixed mainly or solely with cotton, not exceeding 170g/m2
5514,55,Woven fabrics of synthetic staple fibres, containing less than 85% by weight of such fibres, mixed mainly or solely with cotton, of a weight exceeding 170g/m2
551411,5514,Fabrics, woven; plain weave, unbleached or bleached, containing less than 85% by weight of polyester staple fibres, mixed mainly or solely with cotton, exceeding 170g/m2
551412,5514,Fabrics, woven; 3- or 4-thread twill, including cross twill, unbleached or bleached, containing less than 85% by weight of polyester staple fibres, mixed mainly or solely with cotton, over 170g/m2
551419,5514,Fabrics, woven; unbleached or bleached, containing less than 85% by weight of synthetic staple fibres n.e.c. in item no. 55.14.1, mixed mainly or solely with cotton, exceeding 170g/m2
551421,5514,Fabrics, woven; plain weave, dyed, containing less than 85% by weight of polyester staple fibres, mixed mainly or solely with cotton, exceeding 170g/m2
551422,5514,Fabrics, woven; 3- or 4-thread twill, including cross twill, dyed, containing less than 85% by weight of polyester staple fibres, mixed mainly or solely with cotton, exceeding 170g/m2
551423,5514,Fabrics, woven; dyed, containing less than 85% by weight of polyester staple fibres, mixed mainly or solely with cotton, exceeding 170g/m2, n.e.c. in heading no. 5514
551429,5514,Fabrics, woven; dyed, containing less than 85% by weight of synthetic staple fibres (other than polyesters), mixed mainly or solely with cotton, exceeding 170g/m2
551430,5514,Fabrics, woven; of yarns of different colours, containing less than 85% by weight of synthetic staple fibres, mixed mainly or solely with cotton, exceeding 170g/m2
551441,5514,Fabrics, woven; plain weave, printed, containing less than 85% by weight of polyester staple fibres, mixed mainly or solely with cotton, exceeding 170g/m2
551442,5514,Fabrics, woven; 3- or 4-thread twill, including cross twill, printed, containing less than 85% by weight of polyester staple fibres, mixed mainly or solely with cotton, exceeding 170g/m2
551443,5514,Fabrics, woven; printed, containing less than 85% by weight of polyester staple fibres, mixed mainly or solely with cotton, weight exceeding 170g/m2, n.e.c. in heading no. 5514
551449,5514,Fabrics, woven; printed, containing less than 85% by weight of synthetic staple fibres (other than polyesters), mixed mainly or solely with cotton, exceeding 170g/m2
5515,55,Woven fabrics of synthetic staple fibres, n.e.c. in chapter 55
551511,5515,Fabrics, woven; of polyester staple fibres n.e.c. in chapter 55, mixed mainly or solely with viscose rayon staple fibres
551512,5515,Fabrics, woven; of polyester staple fibres n.e.c. in chapter 55, mixed mainly or solely with man-made filaments
551513,5515,Fabrics, woven; of polyester staple fibres n.e.c. in chapter 55, mixed mainly or solely with wool or fine animal hair
551519,5515,Fabrics, woven; of polyester staple fibres n.e.c. in chapter 55, mixed mainly or solely with fibres n.e.c. in item no. 5515.1
551521,5515,Fabrics, woven; of acrylic or modacrylic staple fibres n.e.c. in chapter 55, mixed mainly or solely with man-made filaments
551522,5515,Fabrics, woven; of acrylic or modacrylic staple fibres n.e.c. in chapter 55, mixed mainly or solely with wool or fine animal hair
551529,5515,Fabrics, woven; of acrylic or modacrylic staple fibres n.e.c. in chapter 55, mixed mainly or solely with fibres n.e.c. in item no. 5515.2
551591,5515,Fabrics, woven; of synthetic staple fibres n.e.c. in chapter 55, mixed mainly or solely with man-made filaments
551599,5515,Fabrics, woven; of synthetic staple fibres n.e.c. in chapter 55, mixed mainly or solely with fibres n.e.c. in heading no. 5515
5516,55,Woven fabrics of artificial staple fibres
551611,5516,Fabrics, woven; unbleached or bleached, containing 85% or more by weight of artificial staple fibres
551612,5516,Fabrics, woven; dyed, containing 85% or more by weight of artificial staple fibres
551613,5516,Fabrics, woven; of yarns of different colours, containing 85% or more by weight of artificial staple fibres
551614,5516,Fabrics, woven; printed, containing 85% or more by weight of artificial staple fibres
551621,5516,Fabrics, woven; unbleached or bleached, containing less than 85% by weight of artificial staple fibres, mixed mainly or solely with manmade filaments
551622,5516,Fabrics, woven; dyed, containing less than 85% by weight of artificial staple fibres, mixed mainly or solely with man-made filaments
551623,5516,Fabrics, woven; of yarns of different colours, containing less than 85% by weight of artificial staple fibres, mixed mainly or solely with man-made filaments
551624,5516,Fabrics, woven; printed, containing less than 85% by weight of artificial staple fibres, mixed mainly or solely with man-made filaments
551631,5516,Fabrics, woven; unbleached or bleached, containing less than 85% by weight of artificial staple fibres, mixed mainly or solely with wool or fine animal hair
551632,5516,Fabrics, woven; dyed, containing less than 85% by weight of artificial staple fibres, mixed mainly or solely with wool or fine animal hair
551633,5516,Fabrics, woven; of yarns of different colours, containing less than 85% by weight of artificial staple fibres, mixed mainly or solely with wool or fine animal hair
551634,5516,Fabrics, woven; printed, containing less than 85% by weight of artificial staple fibres, mixed mainly or solely with wool or fine animal hair
551641,5516,Fabrics, woven; unbleached or bleached, containing less than 85% by weight of artificial staple fibres, mixed mainly or solely with cotton
551642,5516,Fabrics, woven; dyed, containing less than 85% by weight of artificial staple fibres, mixed mainly or solely with cotton
551643,5516,Fabrics, woven; of yarns of different colours, containing less than 85% by weight of artificial staple fibres, mixed mainly or solely with cotton
551644,5516,Fabrics, woven; printed, containing less than 85% by weight of artificial staple fibres, mixed mainly or solely with cotton
551691,5516,Fabrics, woven; unbleached or bleached, of artificial staple fibres, n.e.c. in heading no. 5516
551692,5516,Fabrics, woven; dyed, of artificial staple fibres, n.e.c. in heading no. 5516
551693,5516,Fabrics, woven; of yarns of different colours, of artificial staple fibres, n.e.c. in heading no. 5516
551694,5516,Fabrics, woven; printed, of artificial staple fibres, n.e.c. in heading no. 5516
56,XI,Wadding, felt and nonwovens, special yarns; twine, cordage, ropes and cables and articles thereof
5601,56,Wadding of textile materials and articles thereof; textile fibres, not exceeding 5 mm in length (flock), textile dust and mill neps
560121,5601,Wadding; other articles thereof, of cotton
560122,5601,Wadding; other articles thereof, of man-made fibres
560129,5601,Wadding; other articles thereof, other than of cotton or man-made fibres
560130,5601,Wadding; textile flock and dust and mill neps
5602,56,Felt; whether or not impregnated, coated, covered or laminated
560210,5602,Felt; needleloom felt and stitch-bonded fibre fabrics, whether or not impregnated, coated, covered or laminated
560221,5602,Felt; of wool or fine animal hair (excluding needleloom felt or stitch-bonded fibre fabrics), not impregnated, coated, covered nor laminated
560229,5602,Felt; of textile materials other than wool or fine animal hair (excluding needleloom felt and stitch-bonded fibre fabrics), not impregnated, coated, covered or laminated
560290,5602,Felt; impregnated, coated, covered or laminated (excluding needleloom felt and stitch-bonded fibre fabrics)
5603,56,Nonwovens; whether or not impregnated, coated, covered or laminated
560311,5603,Nonwovens; whether or not impregnated, coated, covered or laminated, of man-made filaments, (weighing not more than 25g/m2)
560312,5603,Nonwovens; whether or not impregnated, coated, covered or laminated, of man-made filaments, (weighing more than 25g/m2 but not more than 70g/m2)
560313,5603,Nonwovens; whether or not impregnated, coated, covered or laminated, of man-made filaments, (weighing more than 70g/m2 but not more than 150g/m2)
560314,5603,Nonwovens; whether or not impregnated, coated, covered or laminated, of man-made filaments, (weighing more than 150g/m2)
560391,5603,Nonwovens; whether or not impregnated, coated, covered or laminated, not of man-made filaments, (weighing not more than 25g/m2)
560392,5603,Nonwovens; whether or not impregnated, coated, covered or laminated, not of man-made filaments, (weighing more than 25g/m2 but not more than 70g/m2)
560393,5603,Nonwovens; whether or not impregnated, coated, covered or laminated, not of man-made filaments, (weighing more than 70g/m2 but not more than 150g/m2)
560394,5603,Nonwovens; whether or not impregnated, coated, covered or laminated, not of man-made filaments, (weighing more than 150g/m2)
5604,56,Rubber thread and cord, textile covered; textile yarn and strip and the like of heading no. 5404, 5405; impregnated, coated, covered or sheathed with rubber or plastics
560410,5604,Rubber thread and cord; textile covered
560490,5604,Yarn; textile yarn, strip, and the like of heading no. 5404 or 5405, impregnated, coated, covered, or sheathed with rubber or plastics, n.e.c. in heading no. 5604
5605,56,Yarn; metallised, whether or not gimped, of textile yarn, or strip or the like of heading no. 5404 or 5405, combined with metal in the form of thread, strip or powder or covered with metal
560500,5605,Yarn; metallised, whether or not gimped, of textile yarn, or strip or the like of heading no. 5404 or 5405, combined with metal in the form of thread, strip or powder or covered with metal
5606,56,Yarn and strip and the like of heading no. 5404 or 5405, gimped (other than those of heading no. 5606 and gimped horsehair yarn); chenille yarn (including flock chenille yarn); loop wale-yarn
560600,5606,Yarn and strip and the like of heading no. 5404 or 5405; gimped, (other than those of heading no. 5406 and gimped horsehair yarn); chenille yarn (including flock chenille yarn); loop wale-yarn
5607,56,Twine, cordage, ropes and cables, whether or not plaited or braided; whether or not impregnated, coated, covered or sheathed with rubber or plastics
560721,5607,Twine; binder or baler twine, of sisal or other textile fibres of the genus agave
560729,5607,Twine, cordage, ropes, cables; of sisal or other textile fibres of the genus agave (excluding binder or baler twine), whether or not plaited, braided or rubber or plastic impregnated, coated, covered or sheathed
560741,5607,Twine; binder or baler twine, of polyethylene or polypropylene
560749,5607,Twine, cordage, ropes, cables; of polyethylene or polypropylene (excluding binder or baler twine), whether or not plaited, braided or rubber or plastic impregnated, coated, covered or sheathed
560750,5607,Twine, cordage, ropes, cables; of synthetic fibres other than polyethylene or polypropylene, whether or not plaited, braided or impregnated, coated, covered or sheathed with rubber or plastics
560790,5607,Twine, cordage, ropes, cables; of materials n.e.c. in heading no. 5607, whether or not plaited, braided or impregnated, coated, covered, or sheathed with rubber or plastics
5608,56,Twine, cordage or rope; knotted netting, made up fishing nets and other made up nets, of textile materials
560811,5608,Twine, cordage or rope; fishing nets, made up, of man made textile materials
560819,5608,Twine, cordage or rope; knotted netting, for other than fishing, of man-made textile materials
560890,5608,Twine, cordage or rope; knotted netting, of other than man-made textiles
5609,56,Articles of yarn, strip or the like of heading no. 5404 or 5405; twine, cordage, rope or cables n.e.c. or included
560900,5609,Yarn; articles of yarn, strip or the like of heading no. 5404 and 5405, twine, cordage, rope or cables n.e.c. or included
57,XI,Carpets and other textile floor coverings
5701,57,Carpets and other textile floor coverings; knotted, whether or not made up
570110,5701,Carpets and other textile floor coverings; knotted, of wool or fine animal hair, whether or not made up
570190,5701,Carpets and other textile floor coverings; knotted, of textile materials (other than wool or fine animal hair), whether or not made up
5702,57,Carpets and other textile floor coverings; woven, (not tufted or flocked), whether or not made up, including kelem, schumacks, karamanie and similar hand-woven rugs
570210,5702,Carpets and other textile floor coverings; woven, (not tufted or flocked), whether or not made up, including kelem, schumacks, karamanie and similar hand-woven rugs
570220,5702,Carpets and other textile floor coverings; woven, (not tufted or flocked), whether or not made up, of coconut fibres (coir)
570231,5702,Carpets and other textile floor coverings; woven, (not tufted or flocked), of wool or fine animal hair, of pile construction, not made up, n.e.c. in item no. 5702.10 or 5702.20
570232,5702,Carpets and other textile floor coverings; woven, (not tufted or flocked), of man-made textile materials, of pile construction, not made up, n.e.c. in item no. 5702.10 or 5702.20
570239,5702,Carpets and other textile floor coverings; woven, (not tufted or flocked), of textile materials (other than man-made, wool or fine animal hair), of pile construction, not made up, n.e.c. in item no. 5702.10 or 5702.20
570241,5702,Carpets and other textile floor coverings; woven, (not tufted or flocked), of wool or fine animal hair, of pile construction, made up, n.e.c. in item no. 5702.10 or 5702.20
570242,5702,Carpets and other textile floor coverings; woven, (not tufted or flocked), of man-made textile materials, of pile construction, made up, n.e.c. in item no. 5702.10 or 5702.20
570249,5702,Carpets and other textile floor coverings; woven, (not tufted or flocked), of textile materials (other than man-made, wool or fine animal hair), of pile construction, made up, n.e.c. in item no. 5702.10 or 5702.20
570250,5702,Carpets and other textile floor coverings; woven, (not tufted or flocked), not of pile construction, not made up, n.e.c. in item no. 5702.10 or 5702.20
570291,5702,Carpets and other textile floor coverings; woven, (not tufted or flocked), of wool or fine animal hair, (not of pile construction), made up, n.e.c. in item no. 5702.10 or 5702.20
570292,5702,Carpets and other textile floor coverings; woven, (not tufted or flocked), of man-made textile materials, (not of pile construction), made up, n.e.c. in item no. 5702.10 or 5702.20
570299,5702,Carpets and other textile floor coverings; woven, (not tufted or flocked), of textile materials (other than man-made or wool or fine animal hair, not of pile construction), made up, n.e.c. in item no. 5702.10 or 5702.20
5703,57,Carpets and other textile floor coverings (including turf); tufted, whether or not made up
570310,5703,Carpets and other textile floor coverings (including turf); tufted, of wool or fine animal hair, whether or not made up
570321,5703,Carpets and other textile floor coverings; tufted, of nylon or other polyamides, whether or not made up
570329,5703,Carpets; tufted, of nylon or other polyamides, whether or not made up
570331,5703,Carpets and other textile floor coverings; tufted, of other man-made textile materials (other than polyamides), whether or not made up
570339,5703,Carpets; tufted, of man-made textile materials (other than polyamides), whether of not made up
570390,5703,Carpets and other textile floor coverings; tufted, of textile materials (other than man-made, wool or fine animal hair), whether or not made up
5704,57,Carpets and other textile floor coverings; of felt, (not tufted or flocked), whether or not made up
570410,5704,Textile floor coverings; felt tiles, (not tufted or flocked), whether or not made up, having a maximum surface area of 0.3m2
570420,5704,Carpets and other textile floor coverings; of felt, (not tufted or flocked), whether or not made up, having a maximum surface area exceeding 0.3 m2 but not exceeding 1 m2
570490,5704,Carpets and other textile floor coverings; of felt, (not tufted or flocked), in the piece, whether or not made up, having a maximum surface area exceeding 1 m2
5705,57,Carpets and other textile floor coverings; n.e.c. in chapter 57, whether or not made up
570500,5705,Carpets and other textile floor coverings; n.e.c. in chapter 57, whether or not made up
58,XI,Fabrics; special woven fabrics, tufted textile fabrics, lace, tapestries, trimmings, embroidery
5801,58,Fabrics; woven pile and chenille fabrics, other than fabrics of heading no. 5802 or 5806
580110,5801,Fabrics; woven pile, of wool or fine animal hair, other than fabrics of heading no. 5802 or 5806
580121,5801,Fabrics; woven pile, of cotton, uncut weft pile fabrics, other than fabrics of heading no. 5802 or 5806
580122,5801,Fabrics; woven pile, of cotton, cut corduroy, other than fabrics of heading no. 5802 or 5806
580123,5801,Fabrics; woven pile, of cotton, weft pile fabrics other than uncut and corduroy, other than fabrics of heading no. 5802 or 5806
580126,5801,Fabrics; chenille, of cotton, other than fabrics of heading no. 5802 or 5806
580127,5801,Fabrics; woven pile, of cotton, warp pile fabrics, other than fabrics of heading no. 5802 or 5806
580131,5801,Fabrics; woven pile, of man-made fibres, uncut weft pile fabrics, other than fabrics of heading no. 5802 or 5806
580132,5801,Fabrics; woven pile, of man-made fibres, cut corduroy, other than fabrics of heading no. 5802 or 5806
580133,5801,Fabrics; woven pile, of man-made fibres, other weft pile fabrics, other than fabrics of heading no. 5802 or 5806
580136,5801,Fabrics; chenille, of man-made fibres, other than fabrics of heading no. 5802 or 5806
580137,5801,Fabrics; woven pile, of man-made fibres, warp pile fabrics, other than fabrics of heading no. 5802 or 5806
580190,5801,Fabrics; woven pile and chenille, of textile materials n.e.c. in heading no. 5801, other than fabrics of heading no. 5802 or 5806
5802,58,Fabrics; terry towelling and similar woven terry fabrics other than narrow fabrics of heading no. 5806; tufted textile fabrics, excluding products of heading no. 5703
580210,5802,Fabrics; terry towelling and similar woven terry fabrics, of cotton, whether bleached or unbleached, excluding narrow fabrics of heading no. 5806
580220,5802,Fabrics; terry towelling and similar woven terry fabrics, of textile materials, excluding cotton, excluding narrow fabrics of heading no. 5806
580230,5802,Fabrics; tufted textile fabrics, excluding products of heading no. 5703
5803,58,Gauze; other than narrow fabrics of heading no. 5806
580300,5803,Gauze; other than narrow fabrics of heading no. 5806
5804,58,Tulles and other net fabrics; not including woven, knitted or crocheted fabrics; lace in the piece, in strips or in motifs, (other than fabrics of headings 60.02 to 60.06)
580410,5804,Tulles and other net fabrics; excluding woven, knitted or crocheted fabrics, (other than fabrics of headings 60.02 to 60.06)
580421,5804,Lace; mechanically made, of man-made fibres in the piece, in strips or in motifs, (other than fabrics of headings 60.02 to 60.06)
580429,5804,Lace; mechanically made, of textile materials, (other than man-made fibres), in the piece, in strips or motifs, (other than fabrics of headings 60.02 to 60.06)
580430,5804,Lace; hand-made, in the piece, in strips or motifs, (other than fabrics of headings 60.02 to 60.06)
5805,58,Tapestries; hand-woven, (Gobelins, Flanders, Aubusson, Beauvais and the like) and needle-worked tapestries (e.g. petit point, cross-stitch) whether or not made up
580500,5805,Tapestries; hand-woven, (Gobelins, Flanders, Aubusson, Beauvais and the like) and needle-worked tapestries (e.g. petit point, cross-stitch) whether or not made up
5806,58,Fabrics; narrow woven, other than goods of heading 5807; narrow fabrics consisting of warp without weft assembled by means of an adhesive (bolducs)
580610,5806,Fabrics; woven pile (including terry towelling and similar terry fabrics) and chenille fabrics (excluding goods of heading 5807)
580620,5806,Fabrics; narrow (excluding pile fabrics), containing by weight 5% or more of elastomeric yarn or rubber thread
580631,5806,Fabrics; narrow woven fabrics, n.e.c. in heading no. 5806, of cotton (excluding goods of heading no. 5807)
580632,5806,Fabrics, narrow woven fabrics, n.e.c. in heading no. 5806, of man-made fibres (excluding goods of heading no. 5807)
580639,5806,Fabrics; narrow woven fabrics, n.e.c. in heading no. 5806, of textile materials n.e.c. in item no. 5806.3 (excluding goods of heading no. 5807)
580640,5806,Fabrics; narrow woven, consisting of warp without weft, assembled by means of an adhesive (bolducs)
5807,58,Labels, badges and similar articles; of textile materials, in the piece, in strips or cut to shape or size, not embroidered
580710,5807,Labels, badges and similar articles; woven, of textile materials, in the piece, in strips or cut to shape or size, not embroidered
580790,5807,Labels, badges and similar articles; (other than woven), of textile materials, in the piece, in strips or cut to shape or size, not embroidered
5808,58,Braids in the piece; ornamental trimmings in the piece, without embroidery, other than knitted or crocheted; tassels, pompons and similar articles
580810,5808,Braids; in the piece
580890,5808,Ornamental trimmings; tassels, pompons and similar articles; ornamental trimmings in the piece, without embroidery, other than knitted or crocheted
5809,58,Fabrics, woven; of metal thread and metallised yarn of heading no. 5605, of a kind used in apparel, as furnishing fabrics or similar purposes; n.e.c. or included
580900,5809,Fabrics, woven; of metal thread and metallised yarn of heading no. 5605, of a kind used in apparel, as furnishing fabrics or similar purposes; n.e.c. or included
5810,58,Embroidery; in the piece, in strips or in motifs
581010,5810,Embroidery; without visible ground, in the piece, in strips or in motifs
581091,5810,Embroidery; with visible ground, of cotton, in the piece, in strips or in motifs
581092,5810,Embroidery; with visible ground, of man-made fibres, in the piece, in strips or in motifs
581099,5810,Embroidery; with visible ground, of textile materials (other than cotton and man-made fibres), in the piece, in strips or in motifs
5811,58,Quilted textile products; in the piece, composed of one or more layers of textile materials assembled with padding by stitching or otherwise (excluding embroidery of heading no. 5810)
581100,5811,Quilted textile products; in the piece, composed of one or more layers of textile materials assembled with padding by stitching or otherwise (excluding embroidery of heading no. 5810)
59,XI,Textile fabrics; impregnated, coated, covered or laminated; textile articles of a kind suitable for industrial use
5901,59,Textile fabrics, gum or amylaceous substance coated, used for outer book covers and like; tracing cloth, prepared painting canvas; buckram and similar stiffened textile fabrics used for hat foundation
590110,5901,Textile fabrics; coated with gum or amylaceous substances, of a kind used for the outer covers of books or the like
590190,5901,Textile fabrics; coated with gum or amylaceous substances, tracing cloth, prepared painting canvas, buckram and similar stiffened textile fabrics for hat foundations, (excluding book covers)
5902,59,Textile fabrics; tyrecord of high tenacity yarn of nylon or other polyamides polyesters or viscose rayon
590210,5902,Textile fabrics; tyrecord of high tenacity yarn of nylon or other polyamides
590220,5902,Textile fabrics; tyrecord of high tenacity yarn of polyester
590290,5902,Textile fabrics; tyrecord of high tenacity yarn of viscose rayon
5903,59,Textile fabrics impregnated, coated, covered or laminated with plastics, other than those of heading no. 5902
590310,5903,Textile fabrics; impregnated, coated, covered or laminated with poly(vinyl chloride)
590320,5903,Textile fabrics; impregnated, coated, covered or laminated with polyurethane
590390,5903,Textile fabrics; impregnated, coated, covered or laminated with plastics, (excluding polyvinyl chloride, polyurethane and those of heading no. 5902)
5904,59,Linoleum, whether or not cut to shape; floor coverings consisting of a coating or covering applied on a textile backing, whether or not cut to shape
590410,5904,Linoleum, whether or not cut to shape
590490,5904,Textiles floor coverings; consisting of a coating or covering applied on a textile backing, whether or not cut to shape, other than linoleum
5905,59,Textile wall coverings
590500,5905,Textile wall coverings of fabrics impregnated, coated, covered or laminated
5906,59,Textile fabrics, rubberised; other than those of heading no. 5902
590610,5906,Textile fabrics, rubberised; (excluding those of heading no. 5902), adhesive tape of a width not exceeding 20cm
590691,5906,Textile fabrics, rubberised; (excluding those of heading no. 5902 and adhesive tape of a width not exceeding 20cm), knitted or crocheted
590699,5906,Textile fabrics, rubberised; (excluding those of heading no. 5902 and adhesive tape of a width not exceeding 20cm), not knitted or crocheted
5907,59,Textile fabrics; otherwise impregnated, coated or covered; painted canvas being theatrical scenery, studio back-cloths or the like
590700,5907,Textile fabrics; otherwise impregnated, coated or covered, painted canvas being theatrical scenery, studio back-cloths or the like
5908,59,Textile wicks, woven, plaited or knitted; for lamps, stoves, lighters, candles or the like; incandescent gas mantles and tubular knitted gas mantle fabric therefor, whether or not impregnated
590800,5908,Textile wicks, woven, plaited or knitted; for lamps, stoves, lighters, candles or the like; incandescent gas mantles and tubular knitted gas mantle fabric therefor, whether or not impregnated
5909,59,Textile hose piping and similar textile tubing; with or without lining, armour or accessories of other materials
590900,5909,Textile hosepiping and similar textile tubing; with or without lining, armour or accessories of other materials
5910,59,Textiles; transmission or conveyor belts or belting, of textile material, whether or not impregnated, coated, covered or laminated with plastics, or reinforced with metal or other material
591000,5910,Textiles; transmission or conveyor belts or belting, of textile material, whether or not impregnated, coated, covered or laminated with plastics, or reinforced with metal or other material
5911,59,Textile products and articles for technical uses; specified in note 7 to this chapter
591110,5911,Textile fabric, felt & felt-lined woven fabrics, coated/covered/laminated with rubber, leather or other material, for card clothing, similar fabrics used for technical purposes, including rubber impregnated narrow velvet fabrics to cover weaving spindles
591120,5911,Textile products and articles for technical uses; bolting cloth, whether or not made up
591131,5911,Textiles; fabrics and felts, endless or fitted with linking devices, of a kind used in paper-making or similar machines, weighing less than 650g/m2
591132,5911,Textiles; fabrics and felts, endless or fitted with linking devices, of a kind used in paper-making or similar machines, weighing 650g/m2 or more
591140,5911,Textile products and articles for technical uses; straining cloth of a kind used in oil presses and the like, including that of human hair
591190,5911,Textile products and articles for technical uses; n.e.c. in heading no. 5911
60,XI,Fabrics; knitted or crocheted
6001,60,Fabrics; pile fabrics, including long pile fabrics and terry fabrics, knitted or crocheted
600110,6001,Fabrics; long pile fabrics, knitted or crocheted
600121,6001,Fabrics; looped pile fabrics, of cotton, knitted or crocheted
600122,6001,Fabrics; looped pile fabrics, of man-made fibres, knitted or crocheted
600129,6001,Fabrics; looped pile fabrics, of textile materials (other than cotton or man-made fibres), knitted or crocheted
600191,6001,Fabrics; pile fabrics (excluding long pile and loop pile), of cotton, knitted or crocheted
600192,6001,Fabrics; pile fabrics (excluding long pile and loop pile), of man-made fibres, knitted or crocheted
600199,6001,Fabrics; pile fabrics (excluding long pile and loop pile), of textile materials (other than cotton or man-made fibres), knitted or crocheted
6002,60,Fabrics; knitted or crocheted, other than those of heading 60.01, of a width not exceeding 30cm, containing by weight 5% or more of elastomeric yarn or rubber thread
600240,6002,Fabrics; knitted or crocheted, other than those of heading 60.01, of a width not exceeding 30 cm, containing by weight 5% or more of elastomeric yarn but not containing rubber thread
600290,6002,Fabrics; knitted or crocheted, other than those of heading 60.01, of a width not exceeding 30 cm, containing by weight 5% or more of elastomeric yarn or rubber thread
6003,60,Fabrics; knitted or crocheted fabrics, other than those of heading 60.01 and 60.02, of a width not exceeding 30 cm,
600310,6003,Fabrics; knitted or crocheted fabrics, other than those of heading 60.01 and 60.02, of a width not exceeding 30 cm, of wool or fine animal hair
600320,6003,Fabrics; knitted or crocheted fabrics, other than those of heading 60.01 and 60.02, of a width not exceeding 30 cm, of cotton
600330,6003,Fabrics; knitted or crocheted fabrics, other than those of heading 60.01 and 60.02, of a width not exceeding 30 cm, of synthetic fibres
600340,6003,Fabrics; knitted or crocheted fabrics, other than those of heading 60.01 and 60.02, of a width not exceeding 30 cm, of artificial fibres
600390,6003,Fabrics; knitted or crocheted fabrics, other than those of heading 60.01 and 60.02, of a width not exceeding 30 cm, other than of wool and fine animal hair, cotton, synthetic or artificial fibres
6004,60,Fabrics; knitted or crocheted fabrics of a width exceeding 30 cm, other than those of heading 60.01, containing by weight 5% or more of elastomeric yarn or rubber thread
600410,6004,Fabrics; knitted or crocheted fabrics of a width exceeding 30 cm, other than those of heading 60.01, containing by weight 5% or more of elastomeric yarn but not containing rubber thread
600490,6004,Fabrics; knitted or crocheted, other than those of heading 60.01, of a width exceeding 30 cm, containing by weight 5% or more of elastomeric yarn or rubber thread,
6005,60,Fabrics; warp knit (including those made on galloon knitting machines), other than those of headings 60.01 to 60.04
600521,6005,Fabrics; warp knit (including those made on galloon knitting machines), other than those of headings 60.01 to 60.04, of cotton, unbleached or bleached
600522,6005,Fabrics; warp knit (including those made on galloon knitting machines), other than those of headings 60.01 to 60.04, of cotton, dyed
600523,6005,Fabrics; warp knit (including those made on galloon knitting machines), other than those of headings 60.01 to 60.04, of cotton, yarns of different colours
600524,6005,Fabrics; warp knit (including those made on galloon knitting machines), other than those of headings 60.01 to 60.04, of cotton, printed
600535,6005,Fabrics; warp knit (including those made on galloon knitting machines), other than those of headings 60.01 to 60.04, of synthetic fibres specified in Subheading Note 1 to this Chapter
600536,6005,Fabrics; warp knit (including those made on galloon knitting machines), other than those of headings 60.01 to 60.04, of synthetic fibres, bleached or unbleached
600537,6005,Fabrics; warp knit (including those made on galloon knitting machines), other than those of headings 60.01 to 60.04, of synthetic fibres, dyed
600538,6005,Fabrics; warp knit (including those made on galloon knitting machines), other than those of headings 60.01 to 60.04, of synthetic fibres, yarns of different colours
600539,6005,Fabrics; warp knit (including those made on galloon knitting machines), other than those of headings 60.01 to 60.04, of synthetic fibres, printed
600541,6005,Fabrics; warp knit (including those made on galloon knitting machines), other than those of headings 60.01 to 60.04, of artificial fibres, bleached or unbleached
600542,6005,Fabrics; warp knit (including those made on galloon knitting machines), other than those of headings 60.01 to 60.04, of artificial fibres, dyed
600543,6005,Fabrics; warp knit (including those made on galloon knitting machines), other than those of headings 60.01 to 60.04, of artificial fibres, of yarns of different colours
600544,6005,Fabrics; warp knit (including those made on galloon knitting machines), other than those of headings 60.01 to 60.04, of artificial fibres, printed
600590,6005,Fabrics; warp knit (including those made on galloon knitting machines), other than those of headings 60.01 to 60.04, excluding those made from cotton or synthetic or artificial fibres
6006,60,Fabrics; knitted or crocheted fabrics, other than those of headings 60.01 to 60.04
600610,6006,Fabrics; knitted or crocheted fabrics, other than those of headings 60.01 to 60.04, of wool or fine animal hair
600621,6006,Fabrics; knitted or crocheted fabrics, other than those of headings 60.01 to 60.04, of cotton, unbleached or bleached
600622,6006,Fabrics; knitted or crocheted fabrics, other than those of headings 60.01 to 60.04, of cotton, dyed
600623,6006,Fabrics; knitted or crocheted fabrics, other than those of headings 60.01 to 60.04, of cotton, of yarns of different colours
600624,6006,Fabrics; knitted or crocheted fabrics, other than those of headings 60.01 to 60.04, of cotton, printed
600631,6006,Fabrics; knitted or crocheted fabrics, other than those of headings 60.01 to 60.04, of synthetic fibres, unbleached or bleached
600632,6006,Fabrics; knitted or crocheted fabrics, other than those of headings 60.01 to 60.04, of synthetic fibres, dyed
600633,6006,Fabrics; knitted or crocheted fabrics, other than those of headings 60.01 to 60.04, of synthetic fibres, of yarns of different colours
600634,6006,Fabrics; knitted or crocheted fabrics, other than those of headings 60.01 to 60.04, of synthetic fibres, printed
600641,6006,Fabrics; knitted or crocheted fabrics, other than those of headings 60.01 to 60.04, of artificial fibres, unbleached or bleached
600642,6006,Fabrics; knitted or crocheted fabrics, other than those of headings 60.01 to 60.04, of artificial fibres, dyed
600643,6006,Fabrics; knitted or crocheted fabrics, other than those of headings 60.01 to 60.04, of artificial fibres, of yarns of different colours
600644,6006,Fabrics; knitted or crocheted fabrics, other than those of headings 60.01 to 60.04, of artificial fibres, printed
600690,6006,Fabrics; knitted or crocheted fabrics, other than those of headings 60.01 to 60.04,and other than those made of wool, fine animal hair, cotton, synthetic or artificial fibres
61,XI,Apparel and clothing accessories; knitted or crocheted
6101,61,Coats; men's or boys' overcoats, car-coats, capes, cloaks, anoraks, ski-jackets, wind-cheaters, wind-jackets and similar articles; knitted or crocheted, other than those of heading no. 6103
610120,6101,Coats; men's or boys' overcoats, car-coats, capes, anoraks, wind-jackets and similar articles, of cotton, knitted or crocheted (excluding those of heading no. 6103)
610130,6101,Coats; men's or boys' overcoats, car-coats, capes, anoraks, wind-jackets and similar articles, of man-made fibres, knitted or crocheted, (excluding those of heading no. 6103)
610190,6101,Coats; men's or boys' overcoats, car-coats, capes, anoraks, wind-jackets and similar articles, of textile materials n.e.c. in heading no. 6101, knitted or crocheted (excluding those of heading no. 6103)
6102,61,Coats; women's or girls' overcoats, car-coats, capes, cloaks, anoraks, ski-jackets, wind-cheaters, wind-jackets and similar articles, knitted or crocheted, other than those of heading no. 6104
610210,6102,Coats; women's or girls' overcoats, car-coats, capes, anoraks, wind-jackets and similar articles, of wool or fine animal hair, knitted or crocheted (excluding those of heading no. 6104)
610220,6102,Coats; women's or girls' overcoats, car-coats, capes, anoraks, wind-jackets and similar articles, of cotton, knitted or crocheted (excluding those of heading no. 6104)
610230,6102,Coats; women's or girls' overcoats, car-coats, capes, anoraks, wind-jackets and similar articles, of man-made fibres, knitted or crocheted (excluding those of heading no. 6104)
610290,6102,Coats; women's or girls' overcoats, car-coats, capes, anoraks, wind-jackets and similar articles, of textile materials n.e.c. in heading no. 6102, knitted or crocheted (excluding those of heading no. 6104)
6103,61,Suits, ensembles, jackets, blazers, trousers, bib and brace overalls, breeches, shorts (not swimwear); men's or boys', knitted or crocheted
610310,6103,Suits; men's or boys', knitted or crocheted
610322,6103,Ensembles; men's or boys', of cotton, knitted or crocheted
610323,6103,Ensembles; men's or boys', of synthetic fibres, knitted or crocheted
610329,6103,Ensembles; men's or boys', of textile materials (other than cotton or synthetic fibres), knitted or crocheted
610331,6103,Jackets and blazers; men's or boys', of wool or fine animal hair, knitted or crocheted
610332,6103,Jackets and blazers; men's or boys', of cotton, knitted or crocheted
610333,6103,Jackets and blazers; men's or boys', of synthetic fibres, knitted or crocheted
610339,6103,Jackets and blazers; men's or boys', of textile materials (other than wool or fine animal hair, cotton or synthetic fibres), knitted or crocheted
610341,6103,Trousers, bib and brace overalls, breeches and shorts; men's or boys', of wool or fine animal hair, knitted or crocheted
610342,6103,Trousers, bib and brace overalls, breeches and shorts; men's or boys', of cotton, knitted or crocheted
610343,6103,Trousers, bib and brace overalls, breeches and shorts; men's or boys', of synthetic fibres, knitted or crocheted
610349,6103,Trousers, bib and brace overalls, breeches and shorts; men's or boys', of textile materials (other than wool or fine animal hair, cotton or synthetic fibres), knitted or crocheted
6104,61,Suits, ensembles, jackets, dresses, skirts, divided skirts, trousers, bib and brace overalls, breeches and shorts (not swimwear), women's or girls', knitted or crocheted
610413,6104,Suits; women's or girls', of synthetic fibres, knitted or crocheted
610419,6104,Suits; women's or girls', of textile materials (other than synthetic fibres), knitted or crocheted
610422,6104,Ensembles; women's or girls', of cotton, knitted or crocheted
610423,6104,Ensembles; women's or girls', of synthetic fibres, knitted or crocheted
610429,6104,Ensembles; women's or girls', of textile materials (other than cotton or synthetic fibres), knitted or crocheted
610431,6104,Jackets; women's or girls', of wool or fine animal hair, knitted or crocheted
610432,6104,Jackets; women's or girls', of cotton, knitted or crocheted
610433,6104,Jackets; women's or girls', of synthetic fibres, knitted or crocheted
610439,6104,Jackets; women's or girls', of textile materials (other than wool or fine animal hair, cotton or synthetic fibres), knitted or crocheted
610441,6104,Dresses; women's or girls', of wool or fine animal hair, knitted or crocheted
610442,6104,Dresses; women's or girls', of cotton, knitted or crocheted
610443,6104,Dresses; women's or girls', of synthetic fibres, knitted or crocheted
610444,6104,Dresses; women's or girls', of artificial fibres, knitted or crocheted
610449,6104,Dresses; women's or girls', of textile materials (other than wool or fine animal hair, cotton, synthetic or artificial fibres), knitted or crocheted
610451,6104,Skirts and divided skirts; women's or girls', of wool or fine animal hair, knitted or crocheted
610452,6104,Skirts and divided skirts; women's or girls', of cotton, knitted or crocheted
610453,6104,Skirts and divided skirts; women's or girls', of synthetic fibres, knitted or crocheted
610459,6104,Skirts and divided skirts; women's or girls', of textile materials (other than wool or fine animal hair, cotton or synthetic fibres), knitted or crocheted
610461,6104,Trousers, bib and brace overalls, breeches and shorts; women's or girls', of wool or fine animal hair, knitted or crocheted
610462,6104,Trousers, bib and brace overalls, breeches and shorts; women's or girls', of cotton, knitted or crocheted
610463,6104,Trousers, bib and brace overalls, breeches and shorts; women's or girls', of synthetic fibres, knitted or crocheted
610469,6104,Trousers, bib and brace overalls, breeches and shorts; women's or girls', of textile materials (other than wool or fine animal hair, cotton or synthetic fibres), knitted or crocheted
6105,61,Shirts; men's or boys', knitted or crocheted
610510,6105,Shirts; men's or boys', of cotton, knitted or crocheted
610520,6105,Shirts; men's or boys', of man-made fibres, knitted or crocheted
610590,6105,Shirts; men's or boys', of textile materials (other than cotton or man-made fibres), knitted or crocheted
6106,61,Blouses, shirts and shirt-blouses; women's or girls', knitted or crocheted
610610,6106,Blouses, shirts and shirt-blouses; women's or girls', of cotton, knitted or crocheted
610620,6106,Blouses, shirts and shirt-blouses; women's or girls', of man-made fibres, knitted or crocheted
610690,6106,Blouses, shirts and shirt-blouses; women's or girls', of textile materials (other than cotton or man-made fibres), knitted or crocheted
6107,61,Underpants, briefs, nightshirts, pyjamas, bathrobes, dressing gowns and similar articles; men's or boys', knitted or crocheted
610711,6107,Underpants and briefs; men's or boys', of cotton, knitted or crocheted
610712,6107,Underpants and briefs; men's or boys', of man-made fibres, knitted or crocheted
610719,6107,Underpants and briefs; men's or boys', of textile materials (other than cotton or man-made fibres), knitted or crocheted
610721,6107,Nightshirts and pyjamas; men's or boys', of cotton, knitted or crocheted
610722,6107,Nightshirts and pyjamas; men's or boys', of man-made fibres, knitted or crocheted
610729,6107,Nightshirts and pyjamas; men's or boys', of textile materials (other than cotton or man-made fibres), knitted or crocheted
610791,6107,Bathrobes, dressing gowns and similar articles; men's or boys', of cotton, knitted or crocheted
610799,6107,Bathrobes, dressing gowns and similar articles; men's or boys', of textile materials (other than cotton), knitted or crocheted
6108,61,Slips, petticoats, briefs, panties, nightdresses, pyjamas, negligees, bathrobes, dressing gowns and similar articles; women's or girls', knitted or crocheted
610811,6108,Slips and petticoats; women's or girls', of man-made fibres, knitted or crocheted
610819,6108,Slips and petticoats; women's or girls', of textile materials (other than man-made fibres), knitted or crocheted
610821,6108,Briefs and panties; women's or girls', of cotton, knitted or crocheted
610822,6108,Briefs and panties; women's or girls', of man-made fibres, knitted or crocheted
610829,6108,Briefs and panties; women's or girls', of textile materials (other than cotton or man-made fibres), knitted or crocheted
610831,6108,Nightdresses and pyjamas; women's or girls', of cotton, knitted or crocheted
610832,6108,Nightdresses and pyjamas; women's or girls', of man-made fibres, knitted or crocheted
610839,6108,Nightdresses and pyjamas; women's or girls', of textile materials (other than cotton or man-made fibres), knitted or crocheted
610891,6108,Negligees, bathrobes, dressing gowns and similar articles; women's or girls', of cotton, knitted or crocheted
610892,6108,Negligees, bathrobes, dressing gowns and similar articles; women's or girls', of man-made fibres, knitted or crocheted
610899,6108,Negligees, bathrobes, dressing gowns and similar articles; women's or girls', of textile materials (other than cotton or man-made fibres), knitted or crocheted
6109,61,T-shirts, singlets and other vests; knitted or crocheted
610910,6109,T-shirts, singlets and other vests; of cotton, knitted or crocheted
610990,6109,T-shirts, singlets and other vests; of textile materials (other than cotton), knitted or crocheted
6110,61,Jerseys, pullovers, cardigans, waistcoats and similar articles; knitted or crocheted
611011,6110,Jerseys, pullovers, cardigans, waistcoats and similar articles; knitted or crocheted, of wool or fine animal hair
611012,6110,Jerseys, pullovers, cardigans, waistcoats and similar articles; knitted or crocheted, of fibres from kashmir (cashmere) goats
611019,6110,Jerseys, pullovers, cardigans, waistcoats and similar articles; knitted or crocheted, of fine animal hair other than that of kashmir (cashmere) goats
611020,6110,Jerseys, pullovers, cardigans, waistcoats and similar articles; of cotton, knitted or crocheted
611030,6110,Jerseys, pullovers, cardigans, waistcoats and similar articles; of man-made fibres, knitted or crocheted
611090,6110,Jerseys, pullovers, cardigans, waistcoats and similar articles; of textile materials (other than wool or fine animal hair, cotton or man-made fibres), knitted or crocheted
6111,61,Garments and clothing accessories, babies'; knitted or crocheted
611120,6111,Garments and clothing accessories; babies', of cotton, knitted or crocheted
611130,6111,Garments and clothing accessories; babies', of synthetic fibres, knitted or crocheted
611190,6111,Garments and clothing accessories; babies', of textile materials (other than cotton or synthetic fibres), knitted or crocheted
6112,61,Track suits, ski suits and swimwear; knitted or crocheted
611211,6112,Track suits; of cotton, knitted or crocheted
611212,6112,Track suits; of synthetic fibres, knitted or crocheted
611219,6112,Track suits; of textile materials (other than cotton or synthetic fibres), knitted or crocheted
611220,6112,Ski suits; knitted or crocheted
611231,6112,Swimwear; men's or boys', of synthetic fibres, knitted or crocheted
611239,6112,Swimwear; men's or boys', of textile materials (other than synthetic fibres), knitted or crocheted
611241,6112,Swimwear; women's or girls', of synthetic fibres, knitted or crocheted
611249,6112,Swimwear; women's or girls', of textile materials (other than synthetic fibres), knitted or crocheted
6113,61,Garments made up of knitted or crocheted fabrics of heading no. 5903, 5906 and 5907
611300,6113,Garments made up of knitted or crocheted fabrics of heading no. 5903, 5906 and 5907
6114,61,Garments; knitted or crocheted, n.e.c. in chapter 61
611420,6114,Garments; of cotton, knitted or crocheted, n.e.c. in chapter 61
611430,6114,Garments; of man-made fibres, knitted or crocheted, n.e.c. in chapter 61
611490,6114,Garments; of textile materials (other than cotton or man-made fibres), knitted or crocheted, n.e.c. in chapter 61
6115,61,Hosiery; panty hose, tights, stockings, socks and other hosiery, including graduated compression hosiery (for example, stockings for varicose veins) and footwear without applied soles, knitted or crocheted
611510,6115,Graduated compression hosiery (for example, stockings for varicose veins), knitted or crocheted
611521,6115,Hosiery; panty hose and tights (other than graduated compression hosiery), of synthetic fibres, measuring per single yarn less than 67 decitex, knitted or crocheted
611522,6115,Hosiery; panty hose and tights (other than graduated compression hosiery), of synthetic fibres, measuring per single yarn 67 decitex or more, knitted or crocheted
611529,6115,Hosiery; panty hose and tights (other than graduated compression hosiery), of textile materials (other than synthetic fibres), knitted or crocheted
611530,6115,Hosiery; women's, full-length or knee-length (other than graduated compression hosiery), measuring per single yarn less than 67 decitex, knitted or crocheted
611594,6115,Hosiery and footwear; without applied soles, of wool or fine animal hair, knitted or crocheted (excluding graduated compression hosiery, panty hose, tights, women's full or knee-length hosiery measuring per single yarn less than 67 decitex)
611595,6115,Hosiery and footwear; without applied soles, of cotton, knitted or crocheted (excluding graduated compression hosiery, panty hose, tights, full or knee-length hosiery measuring per single yarn less than 67 decitex)
611596,6115,Hosiery and footwear; without applied soles, of synthetic fibres, knitted or crocheted (excluding graduated compression hosiery, panty hose, tights, full or knee-length hosiery measuring per single yarn less than 67 decitex)
611599,6115,Hosiery and footwear; without applied soles, of textile materials n.e.c. in item no. 6115.9, knitted or crocheted (excluding graduated compression hosiery, panty hose, tights, full or knee-length hosiery measuring per single yarn less than 67 decitex)
6116,61,Gloves, mittens and mitts; knitted or crocheted
611610,6116,Gloves, mittens and mitts; knitted or crocheted, impregnated, coated, covered or laminated with plastics or rubber
611691,6116,Gloves, mittens and mitts; of wool or fine animal hair, knitted or crocheted, (other than impregnated, coated, covered or laminated with plastics or rubber)
611692,6116,Gloves, mittens and mitts; of cotton, knitted or crocheted, (other than impregnated, coated, covered or laminated with plastics or rubber)
611693,6116,Gloves, mittens and mitts; of synthetic fibres, knitted or crocheted, (other than impregnated, coated, covered or laminated with plastics or rubber)
611699,6116,Gloves, mittens and mitts; of textile materials (other than wool or fine animal hair, cotton or synthetic fibres), knitted or crocheted, (other than impregnated, coated, covered or laminated with plastics or rubber)
6117,61,Clothing accessories; made up, knitted or crocheted, knitted or crocheted parts of garments or of clothing accessories
611710,6117,Shawls, scarves, mufflers, mantillas, veils and the like; knitted or crocheted
611780,6117,Clothing accessories; knitted or crocheted, n.e.c. in heading no. 6117
611790,6117,Clothing; parts, knitted or crocheted
62,XI,Apparel and clothing accessories; not knitted or crocheted
6201,62,Overcoats, car-coats, capes, cloaks, anoraks (including ski-jackets), wind-cheaters, wind-jackets and similar articles, men's or boys', other than those of heading no. 6203 (not knitted or crocheted)
620120,6201,Coats; men's or boys', overcoats, raincoats, car-coats, capes, cloaks, anoraks (including ski-jackets) and similar articles, of wool or fine animal hair, other than those of heading no. 6203 (not knitted or crocheted)
620130,6201,Coats; men's or boys', overcoats, raincoats, car-coats, capes, cloaks, anoraks (including ski-jackets) and similar articles, of cotton, other than those of heading no. 6203 (not knitted or crocheted)
620140,6201,Coats; men's or boys', overcoats, raincoats, car-coats, capes, cloaks, anoraks (including ski-jackets) and similar articles, of man-made fibres, other than those of heading no. 6203 (not knitted or crocheted)
620190,6201,Coats; men's or boys', overcoats, rain-coats, car-coats, capes, cloaks and similar, of textile materials (other than wool, fine animal hair, cotton or man-made fibres), other than those of heading no. 6203 (not knitted or crocheted)
6202,62,Coats; women's or girls' overcoats, carcoats, capes, cloaks, anoraks (including ski-jackets), wind-cheaters, wind-jackets and similar articles, other than those of heading no. 6204 (not knitted or crocheted)
620220,6202,Coats; women's or girls', overcoats, raincoats, car-coats, capes, cloaks anoraks (including ski-jackets) and similar articles, of wool or fine animal hair, other than those of heading no. 6204 (not knitted or crocheted)
620230,6202,Coats; women's or girls', overcoats, raincoats, car-coats, capes, cloaks anoraks (including ski-jackets) and similar articles, of cotton, other than those of heading no. 6204 (not knitted or crocheted)
620240,6202,Coats; women's or girls', overcoats, raincoats, car-coats, capes, cloaks anoraks (including ski-jackets) and similar articles, of man-made fibres, other than those of heading no. 6204 (not knitted or crocheted)
620290,6202,Coats; women's or girls', overcoats, raincoats, car-coats, capes, cloaks and similar articles, of textile materials (other than wool, fine animal hair, cotton or man-made fibres), other than those of heading no. 6204 (not knitted or crocheted)
6203,62,Suits, ensembles, jackets, blazers, trousers, bib and brace overalls, breeches and shorts (other than swimwear); men's or boys' (not knitted or crocheted)
620311,6203,Suits; men's or boys', of wool or fine animal hair (not knitted or crocheted)
620312,6203,Suits; men's or boys', of synthetic fibres (not knitted or crocheted)
620319,6203,Suits; men's or boys', of textile materials n.e.c. in item no. 6203.1 (not knitted or crocheted)
620322,6203,Ensembles; men's or boys', of cotton (not knitted or crocheted)
620323,6203,Ensembles; men's or boys', of synthetic fibres (not knitted or crocheted)
620329,6203,Ensembles; men's or boys', of textile materials n.e.c. in item no. 6203.2 (not knitted or crocheted)
620331,6203,Jackets and blazers; men's or boys', of wool or fine animal hair (not knitted or crocheted)
620332,6203,Jackets and blazers; men's or boys', of cotton (not knitted or crocheted)
620333,6203,Jackets and blazers; men's or boys', of synthetic fibres (not knitted or crocheted)
620339,6203,Jackets and blazers; men's or boys', of textile materials n.e.c. in item no. 6203.3 (not knitted or crocheted)
620341,6203,Trousers, bib and brace overalls, breeches and shorts; men's or boys', of wool or fine animal hair (not knitted or crocheted)
620342,6203,Trousers, bib and brace overalls, breeches and shorts; men's or boys', of cotton (not knitted or crocheted)
620343,6203,Trousers, bib and brace overalls, breeches and shorts; men's or boys', of synthetic fibres (not knitted or crocheted)
620349,6203,Trousers, bib and brace overalls, breeches and shorts; men's or boys', of textile materials (other than wool, fine animal hair, cotton or synthetic fibres), (not knitted or crocheted)
6204,62,Suits, ensembles, jackets, dresses, skirts, divided skirts, trousers, bib and brace overalls, breeches and shorts (other than swimwear); women's or girls' (not knitted or crocheted)
620411,6204,Suits; women's or girls', of wool or fine animal hair (not knitted or crocheted)
620412,6204,Suits; women's or girls', of cotton (not knitted or crocheted)
620413,6204,Suits; women's or girls', of synthetic fibres (not knitted or crocheted)
620419,6204,Suits; women's or girls', of textile materials n.e.c. in item no. 6204.1 (not knitted or crocheted)
620421,6204,Ensembles; women's or girls', of wool or fine animal hair (not knitted or crocheted)
620422,6204,Ensembles; women's or girls', of cotton (not knitted or crocheted)
620423,6204,Ensembles; women's or girls', of synthetic fibres (not knitted or crocheted)
620429,6204,Ensembles; women's or girls', of textile materials n.e.c. in item no. 6204.2 (not knitted or crocheted)
620431,6204,Jackets and blazers; women's or girls', of wool or fine animal hair (not knitted or crocheted)
620432,6204,Jackets and blazers; women's or girls', of cotton (not knitted or crocheted)
620433,6204,Jackets and blazers; women's or girls', of synthetic fibres (not knitted or crocheted)
620439,6204,Jackets and blazers; women's or girls', of textile materials n.e.c. in item no. 6204.3 (not knitted or crocheted)
620441,6204,Dresses; women's or girls', of wool or fine animal hair (not knitted or crocheted)
620442,6204,Dresses; women's or girls', of cotton (not knitted or crocheted)
620443,6204,Dresses; women's or girls', of synthetic fibres (not knitted or crocheted)
620444,6204,Dresses; women's or girls', of artificial fibres (not knitted or crocheted)
620449,6204,Dresses; women's or girls', of textile materials n.e.c. in item no. 6204.4 (not knitted or crocheted)
620451,6204,Skirts and divided skirts; women's or girls', of wool or fine animal hair (not knitted or crocheted)
620452,6204,Skirts and divided skirts; women's or girls', of cotton (not knitted or crocheted)
620453,6204,Skirts and divided skirts; women's or girls', of synthetic fibres (not knitted or crocheted)
620459,6204,Skirts and divided skirts; women's or girls', of textile materials n.e.c. in item no. 6204.5 (not knitted or crocheted)
620461,6204,Trousers, bib and brace overalls, breeches and shorts; women's or girls', of wool or fine animal hair (not knitted or crocheted)
620462,6204,Trousers, bib and brace overalls, breeches and shorts; women's or girls', of cotton (not knitted or crocheted)
620463,6204,Trousers, bib and brace overalls, breeches and shorts; women's or girls', of synthetic fibres (not knitted or crocheted)
620469,6204,Trousers, bib and brace overalls, breeches and shorts; women's or girls', of textile materials (other than wool, fine animal hair, cotton or synthetic fibres), (not knitted or crocheted)
6205,62,Shirts; men's or boys' (not knitted or crocheted)
620520,6205,Shirts; men's or boys', of cotton (not knitted or crocheted)
620530,6205,Shirts; men's or boys', of man-made fibres (not knitted or crocheted)
620590,6205,Shirts; men's or boys', of textile materials n.e.c. in heading no. 6205 (not knitted or crocheted)
6206,62,Blouses, shirts and shirt-blouses; women's or girls' (not knitted or crocheted)
620610,6206,Blouses, shirts and shirt-blouses; women's or girls', of silk or silk waste (not knitted or crocheted)
620620,6206,Blouses, shirts and shirt-blouses; women's or girls', of wool or fine animal hair (not knitted or crocheted)
620630,6206,Blouses, shirts and shirt-blouses; women's or girls', of cotton (not knitted or crocheted)
620640,6206,Blouses, shirts and shirt-blouses; women's or girls', of man-made fibres (not knitted or crocheted)
620690,6206,Blouses, shirts and shirt-blouses; women's or girls', of textile materials n.e.c. in heading no. 6206 (not knitted or crocheted)
6207,62,Singlets and other vests, underpants, briefs, night-shirts, pyjamas, bathrobes, dressing gowns and similar articles; men's or boys' (not knitted or crocheted)
620711,6207,Underpants and briefs; men's or boys', of cotton (not knitted or crocheted)
620719,6207,Underpants and briefs; men's or boys', of textile materials other than cotton (not knitted or crocheted)
620721,6207,Nightshirts and pyjamas; men's or boys', of cotton (not knitted or crocheted)
620722,6207,Nightshirts and pyjamas; men's or boys', of man-made fibres (not knitted or crocheted)
620729,6207,Nightshirts and pyjamas; men's or boys', of textile materials other than cotton or man-made fibres (not knitted or crocheted)
620791,6207,Singlets and other vests, bathrobes, dressing gowns and similar articles; men's or boys', of cotton (not knitted or crocheted)
620799,6207,Singlets and other vests, bathrobes, dressing gowns and similar articles; men's or boys', of textile materials other than cotton (not knitted or crocheted)
6208,62,Singlets and other vests, slips, petticoats, briefs, panties, nightdresses, pyjamas, negligees, bathrobes, dressing gowns and similar articles; women's or girls' (not knitted or crocheted)
620811,6208,Slips and petticoats; women's or girls', of man-made fibres (not knitted or crocheted)
620819,6208,Slips and petticoats; women's or girls', of textile materials other than man-made fibres (not knitted or crocheted)
620821,6208,Nightdresses and pyjamas; women's or girls', of cotton (not knitted or crocheted)
620822,6208,Nightdresses and pyjamas; women's or girls', of man-made fibres (not knitted or crocheted)
620829,6208,Nightdresses and pyjamas; women's or girls', of textile materials other than cotton or man-made fibres (not knitted or crocheted)
620891,6208,Singlets and other vests, briefs, panties, negligees, bathrobes, dressing gowns and similar articles; women's or girls', of cotton (not knitted or crocheted)
620892,6208,Singlets and other vests, briefs, panties, negligees, bathrobes, dressing gowns etc.; women's or girls', of man-made fibres (not knitted or crocheted), excluding incontinence or other sanitary garments or garment liners of heading no. 96.19
620899,6208,Singlets and other vests, briefs, panties, negligees, bathrobes, dressing gowns and similar articles; women's or girls', of textile materials other than cotton or man-made fibres (not knitted or crocheted)
6209,62,Garments and clothing accessories; babies' (not knitted or crocheted)
620920,6209,Garments and clothing accessories; babies', of cotton (not knitted or crocheted)
620930,6209,Garments and clothing accessories; babies', of synthetic fibres (not knitted or crocheted)
620990,6209,Garments and clothing accessories; babies', of textile materials other than cotton or synthetic fibres (not knitted or crocheted)
6210,62,Garments made up of fabrics of heading no. 5602, 5603, 5903, 5906 or 5907 (not knitted or crocheted)
621010,6210,Garments; of felt or non-wovens (not knitted or crocheted)
621020,6210,Garments; overcoats, raincoats, car-coats, capes, cloaks, anoraks (including ski-jackets) and similar articles, men's or boys', of the fabrics of heading no. 5602, 5603, 5903, 5906 or 5907 (not knitted or crocheted)
621030,6210,Garments; overcoats, raincoats, car-coats, capes, cloaks, anoraks (including ski-jackets) and similar articles, women's or girls', of the fabrics of heading no. 5602, 5603, 5903, 5906 or 5907 (not knitted or crocheted)
621040,6210,Garments; men's or boys', n.e.c. in item no. 6210.2, of the fabrics of heading no. 5602, 5603, 5903, 5906 or 5907 (not knitted or crocheted)
621050,6210,Garments; women's or girls', n.e.c. in item no. 6210.3, of the fabrics of heading no. 5602, 5603, 5903, 5906 or 5907 (not knitted or crocheted)
6211,62,Track suits, swimwear and other garments (not knitted or crocheted)
621111,6211,Swimwear; men's or boys', (not knitted or crocheted)
621112,6211,Swimwear; women's or girls', (not knitted or crocheted)
621120,6211,Ski suits; (not knitted or crocheted)
621132,6211,Track suits and other garments n.e.c.; men's or boys', of cotton (not knitted or crocheted)
621133,6211,Track suits and other garments n.e.c.; men's or boys', of man-made fibres (not knitted or crocheted)
621139,6211,Track suits and other garments n.e.c.; men's or boys', of textile materials n.e.c. in item no. 6211.3 (not knitted or crocheted)
621142,6211,Track suits and other garments n.e.c.; women's or girls', of cotton (not knitted or crocheted)
621143,6211,Track suits and other garments n.e.c.; women's or girls', of man-made fibres (not knitted or crocheted)
621149,6211,Track suits and other garments n.e.c.; women's or girls', of textile materials n.e.c. in item no. 6211.4 (not knitted or crocheted)
6212,62,Brassieres, girdles, corsets, braces, suspenders, garters and similar articles and parts thereof; whether or not knitted or crocheted
621210,6212,Brassieres; whether or not knitted or crocheted
621220,6212,Girdles and panty-girdles; whether or not knitted or crocheted
621230,6212,Corselettes; whether or not knitted or crocheted
621290,6212,Braces, suspenders, garters and similar articles; whether or not knitted or crocheted, n.e.c. in heading no. 6212
6213,62,Handkerchiefs (not knitted or crocheted)
621320,6213,Handkerchiefs; of cotton (not knitted or crocheted)
621390,6213,Handkerchiefs; of textile materials other than cotton (not knitted or crocheted)
6214,62,Shawls, scarves, mufflers, mantillas, veils and the like (not knitted or crocheted)
621410,6214,Shawls, scarves, mufflers, mantillas, veils and the like; of silk or silk waste (not knitted or crocheted)
621420,6214,Shawls, scarves, mufflers, mantillas, veils and the like; of wool or fine animal hair (not knitted or crocheted)
621430,6214,Shawls, scarves, mufflers, mantillas, veils and the like; of synthetic fibres (not knitted or crocheted)
621440,6214,Shawls, scarves, mufflers, mantillas, veils and the like; of artificial fibres (not knitted or crocheted)
621490,6214,Shawls, scarves, mufflers, mantillas, veils and the like; of textile materials n.e.c. in heading no. 6214 (not knitted or crocheted)
6215,62,Ties, bow ties and cravats (not knitted or crocheted)
621510,6215,Ties, bow ties and cravats; of silk or silk waste (not knitted or crocheted)
621520,6215,Ties, bow ties and cravats; of man-made fibres (not knitted or crocheted)
621590,6215,Ties, bow ties and cravats; of textile materials other than silk or man-made fibres (not knitted or crocheted)
6216,62,Gloves, mittens and mitts (not knitted or crocheted)
621600,6216,Gloves, mittens and mitts (not knitted or crocheted)
6217,62,Clothing accessories n.e.c.; parts of garments or accessories other than those of heading no. 6212 (not knitted or crocheted)
621710,6217,Clothing accessories; other than those of heading no. 6212 (not knitted or crocheted)
621790,6217,Clothing; parts of garments or of clothing accessories, other than those of heading no. 6212 (not knitted or crocheted)
63,XI,Textiles, made up articles; sets; worn clothing and worn textile articles; rags
6301,63,Blankets and travelling rugs
630110,6301,Blankets; electric
630120,6301,Blankets (other than electric blankets) and travelling rugs; of wool or of fine animal hair
630130,6301,Blankets (other than electric blankets) and travelling rugs; of cotton
630140,6301,Blankets (other than electric blankets) and travelling rugs; of synthetic fibres
630190,6301,Blankets and travelling rugs; n.e.c. in heading no. 6301
6302,63,Bed linen, table linen, toilet linen and kitchen linen
630210,6302,Bed linen; knitted or crocheted
630221,6302,Bed linen; of cotton, printed, not knitted or crocheted
630222,6302,Bed linen; of man-made fibres, printed, not knitted or crocheted
630229,6302,Bed linen; of textile materials (other than cotton or man-made fibres), printed, not knitted or crocheted
630231,6302,Bed linen; of cotton (not printed, knitted or crocheted)
630232,6302,Bed linen; of man-made fibres (not printed, knitted or crocheted)
630239,6302,Bed linen; of textile materials other than cotton or man-made fibres (not printed, knitted or crocheted)
630240,6302,Table linen; knitted or crocheted
630251,6302,Table linen; of cotton, not knitted or crocheted
630253,6302,Table linen; of man-made fibres, not knitted or crocheted
630259,6302,Table linen; of textile materials (other than cotton or man-made fibres), not knitted or crocheted
630260,6302,Kitchen and toilet linen; of terry towelling or similar terry fabrics, of cotton
630291,6302,Toilet and kitchen linen; of cotton, excluding terry towelling or similar terry fabrics
630293,6302,Toilet and kitchen linen; of man-made fibres
630299,6302,Toilet and kitchen linen; of textile materials (other than cotton or man-made fibres)
6303,63,Curtains (including drapes) and interior blinds; curtain or bed valances
630312,6303,Curtains (including drapes) and interior blinds; curtain or bed valances, knitted or crocheted, of synthetic fibres
630319,6303,Curtains (including drapes) and interior blinds; curtain or bed valances, knitted or crocheted, of textile materials other than synthetic fibres
630391,6303,Curtains (including drapes) and interior blinds, curtain or bed valances; of cotton, not knitted or crocheted
630392,6303,Curtains (including drapes) and interior blinds, curtain or bed valances; of synthetic fibres, not knitted or crocheted
630399,6303,Curtains (including drapes) and interior blinds, curtain or bed valances; of textile materials other than cotton or synthetic fibres, not knitted or crocheted
6304,63,Furnishing articles; excluding those of heading no. 9404
630411,6304,Bedspreads; knitted or crocheted
630419,6304,Bedspreads; not knitted or crocheted
630420,6304,Furnishing articles; excluding those of heading no. 9404, bed nets, specified in Subheading Note 1 to this Chapter
630491,6304,Furnishing articles; excluding those of heading no. 9404, n.e.c. in heading 6304, knitted or crocheted
630492,6304,Furnishing articles; of cotton, not knitted or crocheted (excluding bedspreads and articles of heading no. 9404)
630493,6304,Furnishing articles; of synthetic fibres, not knitted or crocheted (excluding bedspreads and articles of heading no. 9404)
630499,6304,Furnishing articles; of textile materials other than cotton or synthetic fibres, not knitted or crocheted (excluding bedspreads and articles of heading no. 9404)
6305,63,Sacks and bags, of a kind used for the packing of goods
630510,6305,Sacks and bags; of a kind used for the packing of goods, of jute or of other textile bast fibres of heading no. 5303
630520,6305,Sacks and bags; of a kind used for the packing of goods, of cotton
630532,6305,Sacks and bags; of a kind used for the packing of goods, of man-made textile materials, flexible intermediate bulk containers
630533,6305,Sacks and bags; of a kind used for the packing of goods, of man-made textile materials, of polyethylene or polypropylene strip or the like, not flexible intermediate bulk containers
630539,6305,Sacks and bags; of a kind used for the packing of goods, of man-made textile materials, not of polyethylene or polypropylene strip or the like, not flexible intermediate bulk containers
630590,6305,Sacks and bags; of a kind used for the packing of goods, of textile materials (other than jute, cotton or man-made textile materials)
6306,63,Tarpaulins, awnings and sunblinds; tents (including temporary canopies and similar articles); sails for boats, sailboards or landcraft; camping goods
630612,6306,Tarpaulins, awnings and sunblinds; of synthetic fibres
630619,6306,Tarpaulins, awnings and sunblinds; of textile materials other than synthetic fibres
630622,6306,Tents (including temporary canopies and similar articles); of synthetic fibres
630629,6306,Tents (including temporary canopies and similar articles); of textile materials other than synthetic fibres
630630,6306,Sails; for boats, sailboards or landcraft
630640,6306,Camping goods; pneumatic mattresses
630690,6306,Camping goods; (of textile materials), n.e.c in heading no. 6306
6307,63,Textiles; made up articles n.e.c. in chapter 63, including dress patterns
630710,6307,Cloths; floor cloths, dish-cloths, dusters and similar cleaning cloths
630720,6307,Life-jackets and life-belts
630790,6307,Textiles; made up articles (including dress patterns), n.e.c. in chapter 63, n.e.c. in heading no. 6307
6308,63,Textiles; sets of woven fabric and yarn, with or without accessories, for making into rugs, tapestries, embroidered tablecloths, serviettes and similar textile articles, in packings for retail sale
630800,6308,Fabrics, woven and yarn; in sets, whether or not with accessories, for making up into rugs, tapestries, embroidered table cloths or serviettes or similar textile articles, packaged for retail sale
6309,63,Textiles; worn clothing and other worn articles
630900,6309,Clothing; worn, and other worn articles
6310,63,Rags; used or new, scrap twine, cordage, rope and cables and worn out articles of twine, cordage, rope or cables, of textile materials
631010,6310,Rags; used or new, scrap twine, cordage, rope and cables and worn out articles of twine, cordage, rope or cables, of textile materials; sorted
631090,6310,Rags; used or new, scrap twine, cordage, rope and cables and worn out articles of twine, cordage, rope or cables, of textile materials; other than sorted
64,XII,Footwear; gaiters and the like; parts of such articles
6401,64,Footwear; waterproof, with outer soles and uppers of rubber or plastics, (uppers not fixed to the sole nor assembled by stitch, rivet, nail, screw, plug or similar)
640110,6401,Footwear; waterproof with metal toe-cap, rubber or plastic outer soles and uppers (not assembled by stitch, rivet, nail, screw, plug or similar)
640192,6401,Footwear; waterproof, covering the ankle (but not the knee), rubber or plastic outer soles and uppers (not assembled by stitch, rivet, nail, screw, plug or similar)
640199,6401,Footwear; waterproof, n.e.c. in heading no. 6401, rubber or plastic outer soles and uppers (not assembled by stitch, rivet, nail, screw, plug or similar)
6402,64,Footwear; with outer soles and uppers of rubber or plastics (excluding waterproof footwear)
640212,6402,Sports footwear; with outer soles and uppers of rubber or plastics, ski-boots, cross-country ski footwear and snowboard boots
640219,6402,Sports footwear; (other than ski-boots, snowboard boots or cross-country ski footwear), with outer soles and uppers of rubber or plastics
640220,6402,Footwear; with outer soles and uppers of rubber or plastics, upper straps or thongs assembled to the sole by plugs
640291,6402,Footwear; n.e.c. in heading no. 6402, covering the ankle, with outer soles and uppers of rubber or plastics
640299,6402,Footwear; n.e.c. in heading no. 6402, (other than just covering the ankle), with outer soles and uppers of rubber or plastics
6403,64,Footwear; with outer soles of rubber, plastics, leather or composition leather and uppers of leather
640312,6403,Sports footwear; with outer soles of rubber, plastics, leather or composition leather and uppers of leather, ski-boots, snowboard boots and cross-country ski footwear
640319,6403,Sports footwear; (other than ski-boots, snowboard boots or cross-country ski footwear), with outer soles of rubber, plastics, leather or composition leather and uppers of leather
640320,6403,Footwear; with outer soles of leather, uppers consisting of leather straps across instep and around the big toe
640340,6403,Footwear; with metal toe-cap, outer soles of rubber, plastics, leather or composition leather, uppers of leather
640351,6403,Footwear; n.e.c. in heading no. 6403, with outer soles and uppers of leather, covering the ankle
640359,6403,Footwear; n.e.c. in heading no. 6403, (not covering the ankle), outer soles and uppers of leather
640391,6403,Footwear; n.e.c. in heading no. 6403, covering the ankle, outer soles of rubber, plastics or composition leather, uppers of leather
640399,6403,Footwear; n.e.c. in heading no. 6403, (not covering the ankle), outer soles of rubber, plastics or composition leather, uppers of leather
6404,64,Footwear; with outer soles of rubber, plastics, leather or composition leather and uppers of textile materials
640411,6404,Sports footwear; tennis shoes, basketball shoes, gym shoes, training shoes and the like, with outer soles of rubber or plastics and uppers of textile materials
640419,6404,Footwear; (other than sportswear), with outer soles of rubber or plastics and uppers of textile materials
640420,6404,Footwear; outer soles of leather or composition leather, uppers of textile materials
6405,64,Footwear; other footwear n.e.c. in chapter 64
640510,6405,Footwear; with uppers of leather or composition leather, n.e.c. in chapter 64
640520,6405,Footwear; with uppers of textile materials, n.e.c. in chapter 64
640590,6405,Footwear; n.e.c. in chapter 64
6406,64,Footwear; parts of footwear; removable in-soles, heel cushions and similar articles; gaiters, le.g.ings and similar articles, and parts thereof
640610,6406,Footwear; parts, uppers and parts thereof, other than stiffeners
640620,6406,Footwear; parts, outer soles and heels, of rubber or plastics
640690,6406,Footwear; parts, n.e.c. in heading 6406
65,XII,Headgear and parts thereof
6501,65,Hat-forms, hat bodies and hoods of felt, neither blocked to shape nor with made brims; plateaux and manchons (including slit manchons) of felt
650100,6501,Hat-forms, hat bodies and hoods of felt, neither blocked to shape nor with made brims; plateaux and manchons (including slit manchons) of felt
6502,65,Hat-shapes; plaited or made by assembling strips of any material, neither blocked to shape, nor with made brims, nor lined, nor trimmed
650200,6502,Hat-shapes; plaited or made by assembling strips of any material, neither blocked to shape, nor with made brims, nor lined, nor trimmed
6504,65,Hats and other headgear; plaited or made by assembling strips of any material, whether or not lined or trimmed
650400,6504,Hats and other headgear; plaited or made by assembling strips of any material, whether or not lined or trimmed
6505,65,Hats and other headgear; knitted or crocheted, or made up from lace, felt or other textile fabric, in the piece (but not in strips), whether or not lined or trimmed; hair-nets of any material, whether or not lined or trimmed
650500,6505,Hats and other headgear; knitted or crocheted, or made up from lace, felt or other textile fabric, in the piece (but not in strips), whether or not lined or trimmed; hair-nets of any material, whether or not lined or trimmed
6506,65,Headgear; n.e.c. in chapter 65, whether or not lined or trimmed
650610,6506,Headgear; safety, whether or not lined or trimmed
650691,6506,Headgear; (other than safety headgear), of rubber or plastics, whether or not lined or trimmed
650699,6506,Headgear; (other than safety headgear), (of materials other than rubber or plastic), whether or not lined or trimmed
6507,65,Head-bands, linings, covers, hat foundations, hat frames, peaks and chinstraps, for headgear
650700,6507,Head-bands, linings, covers, hat foundations, hat frames, peaks and chinstraps; for headgear
66,XII,Umbrellas, sun umbrellas, walking-sticks, seat sticks, whips, riding crops; and parts thereof
6601,66,Umbrellas; sun umbrellas (including walking stick umbrellas, garden umbrellas and similar umbrellas)
660110,6601,Umbrellas and sun umbrellas; garden or similar umbrellas
660191,6601,Umbrellas and sun umbrellas; having a telescopic shaft, (excluding garden or similar umbrellas)
660199,6601,Umbrellas and sun umbrellas; n.e.c. in heading no. 6601 (including walking stick umbrellas)
6602,66,Walking-sticks, seat-sticks, whips, riding-crops and the like
660200,6602,Walking-sticks, seat-sticks, whips, riding-crops and the like
6603,66,Trimmings, parts and accessories of articles of heading no. 6601 or 6602
660320,6603,Umbrella frames; including frames mounted on shafts (sticks)
660390,6603,Trimmings, accessories and parts of articles of heading no. 6601 or 6602; n.e.c. in heading no. 6603
67,XII,Feathers and down, prepared; and articles made of feather or of down; artificial flowers; articles of human hair
6701,67,Skin and other parts of birds with their feather or down; feathers, parts of feather, down and articles thereof (other than goods of heading no. 0505 and worked quills and scapes)
670100,6701,Skins and other parts of birds with their feathers or down; feathers, parts of feathers, down and articles thereof (other than goods of heading no. 0505 and worked quills and scapes)
6702,67,Flowers, foliage and fruit, artificial, and parts thereof; articles made of artificial flowers, foliage or fruit
670210,6702,Flowers, foliage and fruit, artificial, and parts thereof; articles made of artificial flowers, foliage or fruit, of plastics
670290,6702,Flowers, foliage and fruit, artificial, and parts thereof; articles made of artificial flowers, foliage or fruit, of materials other than plastics
6703,67,Human hair, dressed, thinned, bleached or otherwise worked; wool or other animal hair or other textile materials, prepared for use in making wigs or the like
670300,6703,Human hair, dressed, thinned, bleached or otherwise worked; wool or other animal hair or other textile materials, prepared for use in making wigs or the like
6704,67,Wigs, false beards, eyebrows and eyelashes, switches and the like, of human or animal hair or of textile materials; articles of human hair, n.e.c. or included
670411,6704,Wigs; complete, of synthetic textile materials
670419,6704,False beards, eyebrows and eyelashes, switches and the like; of synthetic textile materials
670420,6704,Wigs, false beards, eyebrows and eyelashes, switches and the like and other articles n.e.c.; of human hair
670490,6704,Wigs, false beards, eyebrows and eyelashes, switches and the like and other articles n.e.c.; of animal hair or of textile materials other than synthetic
68,XIII,Stone, plaster, cement, asbestos, mica or similar materials; articles thereof
6801,68,Stone; setts, curbstones and flagstones, of natural stone (except slate)
680100,6801,Stone; setts, curbstones and flagstones, of natural stone (except slate)
6802,68,Monumental or building stone, worked (except slate) and articles thereof (not of heading no. 6801) mosaic cubes etc., of natural stone including slate; artificially coloured granules of natural stone
680210,6802,Tiles, cubes and similar articles; whether or not rectangular (including square), largest face of which is capable of being enclosed in square, side less than 7cm, coloured granules, chippings, powder
680221,6802,Marble, travertine and alabaster; simply cut or sawn, with a flat or even surface
680223,6802,Granite; articles thereof, simply cut or sawn, with a flat or even surface
680229,6802,Stone; monumental or building stone, n.e.c. in item no. 6802.2, articles thereof, simply cut or sawn, with a flat or even surface
680291,6802,Marble, travertine and alabaster; articles thereof, (other than simply cut or sawn, with a flat or even surface)
680292,6802,Stone; calcareous (excluding marble, travertine, alabaster) articles thereof, (other than simply cut or sawn, with a flat or even surface)
680293,6802,Granite; articles thereof, (other than simply cut or sawn, with a flat or even surface)
680299,6802,Stone; natural (excluding marble, travertine, alabaster, other calcareous stone or granite), monumental or building stone, (other than simply cut or sawn, with a flat or even surface)
6803,68,Slate, worked; and articles of slate or of agglomerated slate
680300,6803,Slate, worked; and articles of slate or of agglomerated slate
6804,68,Millstones, grindstones, grinding wheels, etc without frameworks, for grinding, sharpening, polishing, etc and parts thereof, natural stone, agglomerated natural or artificial abrasives or of ceramics
680410,6804,Millstones and grindstones; for milling, grinding or pulping
680421,6804,Millstones, grindstones, grinding wheels and the like; of agglomerated synthetic or natural diamond
680422,6804,Millstones, grindstones, grinding wheels and the like; of other agglomerated abrasives or of ceramics
680423,6804,Millstones, grindstones, grinding wheels and the like; of natural stone
680430,6804,Stones; hand sharpening or polishing stones, of natural stone, agglomerated natural or artificial abrasives or ceramics, with or without parts of other materials
6805,68,Abrasive powder or grain; natural or artificial, on a base of textile material, of paper, paperboard or of other material, whether or not cut to shape or sewn or otherwise made up
680510,6805,Abrasive powder or grain; natural or artificial, on a base of woven textile fabric only, whether or not cut to shape or sewn or otherwise made up
680520,6805,Abrasive powder or grain; natural or artificial, on a base of paper or paperboard only, whether or not cut to shape or sewn or otherwise made up
680530,6805,Abrasive powder or grain; natural or artificial, on a base of materials n.e.c. in heading no. 6805, whether or not cut to shape or sewn or otherwise made up
6806,68,Slag, rock wool and similar mineral wools; exfoliated vermiculite, expanded clays, foamed slag, mixtures and articles of heat, sound insulating or sound-absorbing mineral materials
680610,6806,Slag wool, rock wool and similar mineral wools (including intermixtures thereof), in bulk, sheets or rolls
680620,6806,Exfoliated vermiculite, expanded clays, foamed slag and similar expanded mineral materials (including intermixtures thereof)
680690,6806,Minerals; mixtures and articles of heat-insulating, sound-insulating or sound-absorbing mineral materials, other than those of heading no. 6811 or 6812 or of chapter 69
6807,68,Asphalt or similar material; articles (e.g. petroleum bitumen or coal tar pitch)
680710,6807,Asphalt or similar material; articles (e.g. petroleum bitumen or coal tar pitch) in rolls
680790,6807,Asphalt or similar material; articles (e.g. petroleum bitumen or coal tar pitch) other than in rolls
6808,68,Panels, boards, tiles, blocks and the like; of vegetable fibre, of straw, shavings, chips, particles, sawdust or other waste, of wood, agglomerated with cement, plaster or other mineral binders
680800,6808,Panels, boards, tiles, blocks and the like; of vegetable fibre, of straw, shavings, chips, particles, sawdust or other waste, of wood, agglomerated with cement, plaster or other mineral binders
6809,68,Plaster or compositions based on plaster; articles thereof
680911,6809,Plaster, or plaster compositions; boards, sheets, panels, tiles and similar articles, faced or reinforced with paper or paperboard only, not ornamented
680919,6809,Plaster, or plaster compositions; boards, sheets, panels, tiles and similar articles, (other than faced or reinforced with paper or paperboard only), not ornamented
680990,6809,Plaster articles or articles of compositions based on plaster; n.e.c. in heading no. 6809
6810,68,Cement, concrete or artificial stone; whether or not reinforced, articles thereof
681011,6810,Cement, concrete or artificial stone; building blocks or bricks, whether or not reinforced
681019,6810,Cement, concrete or artificial stone; tiles, flagstones and similar, (excluding building blocks and bricks) whether or not reinforced
681091,6810,Cement, concrete or artificial stone; prefabricated structural components for building or civil engineering, whether or not reinforced
681099,6810,Cement, concrete or artificial stone; articles (other than prefabricated structural components for building or civil engineering), whether or not reinforced, n.e.c. in heading no. 6810
6811,68,Asbestos-cement, of cellulose fibre-cement or the like
681140,6811,Asbestos-cement; articles or the like, containing asbestos
681181,6811,Cellulose fibre-cement; articles or the like; corrugated sheets, not containing asbestos
681182,6811,Cellulose fibre-cement; articles or the like, sheets, panels, tiles and similar articles (other than corrugated sheets), not containing asbestos
681189,6811,Cellulose fibre-cement; articles or the like, other than corrugated sheets and other sheets, panels, tiles and similar articles, not containing asbestos
6812,68,Fabricated asbestos fibres; mixtures with a basis of asbestos or of asbestos and magnesium carbonate; articles of such mixtures or of asbestos (e.g. thread, woven fabric, clothing, footwear), whether or not reinforced, not goods of heading 6811 or 6813
681280,6812,Fabricated crocidolite (blue asbestos) fibres, mixtures with a basis of crocidolite (blue asbestos), articles of crocidolite (blue asbestos), whether or not reinforced, not goods of heading 6811 or 6813
681291,6812,Asbestos or mixtures with a basis of asbestos (other than crocidolite); clothing, clothing accessories, footwear and headgear, whether or not reinforced, not goods of heading 6811 or 6813
681299,6812,Asbestos or mixtures with a basis of asbestos (other than crocidolite); fibres, mixtures or articles n.e.c. in heading no. 6812, whether or not reinforced, not goods of heading 6811 or 6813
6813,68,Friction material and articles thereof (e.g. sheets, rolls, strips, segments, discs, washers, pads) not mounted; for brakes, clutches or the like, with a basis of asbestos, other mineral substances, or cellulose
681320,6813,Friction material and articles thereof (e.g. sheets, rolls, strips, segments, discs, washers, pads) not mounted; for brakes, clutches or the like, with a basis of asbestos
681381,6813,Brake linings and pads; with a basis of mineral substances or cellulose (other than asbestos)
681389,6813,Friction material and articles thereof (e.g. sheets, rolls, strips, segments, discs, washers, pads) not mounted; for clutches or the like (not brake linings and pads), with a basis of mineral substances or cellulose (other than asbestos)
6814,68,Mica; worked, articles of, including agglomerated or reconstituted mica; whether or not on a support of paper, paperboard or other materials
681410,6814,Mica; plates, sheets and strips of agglomerated or reconstituted mica, whether or not on a support of paper, paperboard or other materials
681490,6814,Mica; worked mica and articles of mica (excluding plates, sheets and strips) whether or not on a support of paper, paperboard or other materials
6815,68,Stone or other mineral substances; articles thereof (including carbon fibres, articles of carbon fibres and articles of peat), not elsewhere specified or included
681511,6815,Stone or other mineral substances not elsewhere specified or included; carbon fibres for non-electrical uses
681512,6815,Stone or other mineral substances not elsewhere specified or included; fabrics of carbon fibres for non-electrical uses
681513,6815,Stone or other mineral substances not elsewhere specified or included; articles of carbon fibres for non-electrical uses
681519,6815,Stone or other mineral substances not elsewhere specified or included; non-electrical articles of graphite or carbon n.e.c. in heading 6815
681520,6815,Peat; articles of peat n.e.c. or included
681591,6815,Stone articles and articles of other mineral substances; containing magnesite, magnesia in the form of periclase, dolomite including in the form of dolime, or chromite
681599,6815,Stone articles and articles of other mineral substances; n.e.c. or included in heading no. 6815
69,XIII,Ceramic products
6901,69,Bricks, blocks, tiles and other ceramic goods of siliceous fossil meals (e.g. kieselguhr, tripolite or diatomite) or of similar siliceous earths
690100,6901,Bricks, blocks, tiles and other ceramic goods of siliceous fossil meals (e.g. kieselguhr, tripolite or diatomite) or of similar siliceous earths
6902,69,Refractory bricks, blocks, tiles and similar refractory ceramic constructional goods; other than those of siliceous fossil meals or similar siliceous earths
690210,6902,Refractory bricks, blocks, tiles and similar refractory ceramic constructional goods; containing by weight, singly or together, more than 50% of the elements Mg, Ca or Cr, expressed as MgO, CaO or Cr2o3
690220,6902,Refractory bricks, blocks, tiles and similar refractory ceramic constructional goods; containing by weight more than 50% of alumina (Al2o3), of silica (SiO2) or of a mixture or compound of these
690290,6902,Refractory bricks, blocks, tiles and similar refractory ceramic constructional goods; n.e.c. in item no. 6902.1 or 6902.2
6903,69,Ceramic goods; (e.g. retorts, crucibles, muffles, nozzles, plugs, supports cupels, tubes, pipes, sheaths, rods and slide gates) excluding those of siliceous fossil meals or of similar siliceous earths
690310,6903,Refractory ceramic goods; containing, by weight, more than 50% of free carbon, excluding those of siliceous fossil meals or similar earths
690320,6903,Refractory ceramic goods; containing by weight more than 50% of alumina or of a mixture or compound of alumina and of silica, excluding those of siliceous fossil meals or similar earths
690390,6903,Refractory ceramic goods; composition of which n.e.c. in heading no. 6903, other than those of siliceous fossil meals or similar earths
6904,69,Ceramic building bricks, floor blocks, support or filler tiles and the like
690410,6904,Ceramic building bricks
690490,6904,Ceramic flooring blocks, supports or filler tiles and the like (excluding building bricks)
6905,69,Roofing tiles, chimney-pots, cowls, chimney liners, architectural ornaments and other ceramic constructional goods
690510,6905,Ceramic roofing tiles
690590,6905,Ceramic chimney-pots, cowls, chimney liners, architectural ornaments and other constructional goods (excluding roofing tiles)
6906,69,Ceramic pipes, conduits, guttering and pipe fittings
690600,6906,Ceramic pipes, conduits, guttering and pipe fittings
6907,69,Ceramic flags and paving, hearth or wall tiles; ceramic mosaic cubes and the like, whether or not on a backing; finishing ceramics
690721,6907,Ceramic tiles; flags and paving, hearth or wall tiles other than those of subheadings 6907.30 and 6907.40, of a water absorption coefficient by weight not over 0.5%
690722,6907,Ceramic tiles; flags and paving, hearth or wall tiles other than those of subheadings 6907.30 and 6907.40, of a water absorption coefficient by weight over 0.5% but not over 10%
690723,6907,Ceramic tiles; flags and paving, hearth or wall tiles other than those of subheadings 6907.30 and 6907.40, of a water absorption coefficient by weight over 10%
690730,6907,Mosaic cubes and the like, other than those of subheading 6907.40
690740,6907,Finishing ceramics
6909,69,Ceramic ware for laboratory, chemical, other technical uses; ceramic troughs, tubs, similar receptacles used in agriculture; ceramic pots, jars and similar used in the conveyance or packing of goods
690911,6909,Ceramic wares; for laboratory, chemical or other technical uses, of porcelain or china
690912,6909,Ceramic wares; for laboratory, chemical or other technical uses, articles having a hardness equivalent to 9 or more on the Mohs scale
690919,6909,Ceramic wares; for laboratory, chemical or other technical uses, other than articles having a hardness equivalent to 9 or more on the Mohs scale or of porcelain or china
690990,6909,Ceramic wares; pots, jars and similar articles of a kind used for the conveyance or packing of goods and ceramic troughs, tubs and similar receptacles used in agriculture
6910,69,Ceramic sinks, wash basins, wash basin pedestals, baths, bidets, water closet pans, flushing cisterns, urinals and similar sanitary fixtures
691010,6910,Ceramic sinks, wash basins, wash basin pedestals, baths, bidets, water closet pans, flushing cisterns, urinals and similar sanitary fixtures; of porcelain or china
691090,6910,Ceramic sinks, wash basins, wash basin pedestals, baths, bidets, water closet pans, flushing cisterns, urinals and similar sanitary fixtures; of other than porcelain or china
6911,69,Tableware, kitchenware, other household articles and toilet articles; of porcelain or china
691110,6911,Tableware and kitchenware; of porcelain or china
691190,6911,Household and toilet articles; n.e.c. in heading no. 6911, of porcelain or china
6912,69,Ceramic tableware, kitchenware, other household articles and toilet articles; other than of porcelain or china
691200,6912,Ceramic tableware, kitchenware, other household articles and toilet articles; other than of porcelain or china
6913,69,Statuettes and other ornamental ceramic articles
691310,6913,Ceramic statuettes and other ornamental ceramic articles, of porcelain or china
691390,6913,Ceramic statuettes and other ornamental ceramic articles; other than of porcelain or china
6914,69,Ceramic articles; n.e.c. in chapter 69
691410,6914,Ceramic articles n.e.c. in chapter 69; of porcelain or china
691490,6914,Ceramic articles n.e.c. in chapter 69; other than of porcelain or china
70,XIII,Glass and glassware
7001,70,Glass; cullet and other waste and scrap of glass, excluding glass from cathode ray tubes or other activated glass of heading 85.49, glass in the mass
700100,7001,Glass; cullet and other waste and scrap of glass, excluding glass from cathode ray tubes or other activated glass of heading 85.49, glass in the mass
7002,70,Glass in balls (other than microspheres of heading no. 7018), rods or tubes, unworked
700210,7002,Glass; unworked, in balls (other than microspheres of heading no. 7018)
700220,7002,Glass; unworked, in rods
700231,7002,Glass; unworked, in tubes, of fused quartz or other fused silica
700232,7002,Glass; unworked, tubes, of glass having a linear coefficient of expansion not exceeding 5 x 10 (to the minus 6), (or 0.000005) per Kelvin within a temperature range of 0-300 degrees C
700239,7002,Glass; unworked, in tubes, other than of glass having a linear coefficient of expansion not exceeding 5 x 10 (to the minus 6, (or 0.000005) ) per Kelvin within a temperature range of 0-300 degrees C, not fused quartz or other fused silica
7003,70,Glass; cast glass and rolled glass in sheets or profiles, whether or not having an absorbent, reflecting or non-reflecting layer, but not otherwise worked
700312,7003,Glass; cast glass and rolled glass, non-wired sheets, coloured through the mass (body tinted), opacified, flashed or having an absorbent, reflecting or non-reflecting layer
700319,7003,Glass; cast glass and rolled glass, non-wired sheets, (excluding those coloured throughout the mass (body tinted) opacified, flashed or having an absorbent or reflecting layer)
700320,7003,Glass; cast glass and rolled glass, wired sheets, whether or not having an absorbent or reflecting layer but not otherwise worked
700330,7003,Glass; cast glass and rolled glass, profiles, not otherwise worked
7004,70,Glass; drawn glass and blown glass, in sheets, whether or not having an absorbent, reflecting or non-reflecting layer, but not otherwise worked
700420,7004,Glass; drawn and blown, in sheets, coloured throughout the mass (body tinted), opacified, flashed or having an absorbent, reflecting or non-reflecting layer, but not otherwise worked
700490,7004,Glass; drawn and blown, in sheets, (other than glass coloured throughout the mass (body tinted), opacified, flashed or having an absorbent, reflecting or non-reflecting layer)
7005,70,Glass; float glass and surface ground or polished glass, in sheets, whether or not having an absorbent, reflecting or non-reflecting layer, but not otherwise worked
700510,7005,Glass; float glass and surface ground or polished glass, in sheets, non-wired, having an absorbent reflecting or non-reflecting layer
700521,7005,Glass; float glass and surface ground or polished glass, in sheets, non-wired, coloured throughout the mass (body tinted), opacified, flashed or merely surface ground
700529,7005,Glass; float glass and surface ground or polished glass, in sheets, non-wired, (other than coloured throughout the mass (body tinted), opacified, flashed or merely surface ground)
700530,7005,Glass; float glass and surface ground or polished glass, in sheets, wired glass, whether or not having an absorbent or reflecting layer
7006,70,Glass of heading no. 7003, 7004 or 7005, bent, edge-worked, engraved, drilled, enamelled or otherwise worked, not framed or fitted with other materials
700600,7006,Glass of heading no. 7003, 7004 or 7005; bent, edge-worked, engraved, drilled, enamelled or otherwise worked, but not framed or fitted with other materials
7007,70,Safety glass, consisting of toughened (tempered) or laminated glass
700711,7007,Glass; safety glass, toughened (tempered), of size and shape suitable for incorporation in vehicles, aircraft, spacecraft or vessels
700719,7007,Glass; safety glass, toughened (tempered), (not of a size and shape suitable for incorporation in vehicles, aircraft, spacecraft or vessels)
700721,7007,Glass; safety glass, laminated, of size and shape suitable for incorporation in vehicles, aircraft, spacecraft or vessels
700729,7007,Glass; safety glass, laminated, (not of a size and shape suitable for incorporation in vehicles, aircraft, spacecraft or vessels)
7008,70,Glass; multiple-walled insulating units of glass
700800,7008,Glass; multiple-walled insulating units of glass
7009,70,Glass mirrors; whether or not framed, including rear-view mirrors
700910,7009,Glass; rear-view mirrors for vehicles
700991,7009,Glass mirrors; unframed, excluding rear-view mirrors for vehicles
700992,7009,Glass mirrors; framed, excluding rear-view mirrors for vehicles
7010,70,Carboys, bottles, flasks, jars, pots, phials, ampoules, containers of glass of a kind used for the conveyance or packing of goods; preserving jars of glass; stoppers, lids and other closures of glass
701010,7010,Glass; ampoules, of a kind used for the conveyance or packing of goods
701020,7010,Glass; stoppers, lids and other closures
701090,7010,Glass; carboys, bottles, flasks, jars, pots, phials and other containers of glass, (not ampoules), used for the conveyance or packing of goods
7011,70,Glass envelopes (including bulbs and tubes), open and glass parts thereof, without fittings, for electric lamps and light sources, cathode-ray tubes or the like
701110,7011,Glass envelopes (including bulbs and tubes); open, and glass parts thereof, without fittings, for electric lighting
701120,7011,Glass envelopes (including bulbs and tubes); open, and glass parts thereof, without fittings, for cathode-ray tubes
701190,7011,Glass envelopes (including bulbs and tubes); open, and glass parts thereof, without fittings, other than for electric lighting and cathode-ray tubes
7013,70,Glassware of a kind used for table, kitchen, toilet, office, indoor decoration or similar purposes (other than of heading no. 7010 or 7018)
701310,7013,Glassware; of a kind used for table, kitchen, toilet, office, indoor decoration or similar purposes (other than of heading no. 7010 or 7018), of glass-ceramics
701322,7013,Stemware drinking glasses, of lead crystal
701328,7013,Stemware drinking glasses, other than of lead crystal or glass-ceramics
701333,7013,Glassware; drinking glasses (not stemware), of lead crystal
701337,7013,Glassware; drinking glasses (not stemware), other than of lead crystal or glass-ceramics
701341,7013,Glassware of a kind used for table or kitchen purposes (not drinking glasses), of lead crystal
701342,7013,Glassware of a kind used for table or kitchen purposes (not drinking glasses), of glass having a linear coefficient of expansion not exceeding 5 x 10 (to the minus 6), (or 0.000005) per Kelvin within a temperature range of 0-300 degrees C
701349,7013,Glassware of a kind used for table or kitchen purposes (not drinking glasses or of glass-ceramics), of glass n.e.c. in item no. 7013.4
701391,7013,Glassware; n.e.c. in heading no. 7013, of lead crystal
701399,7013,Glassware; n.e.c. in heading no. 7013, other than of lead crystal
7014,70,Signalling glassware and optical elements of glass (other than those of heading no. 7015), not optically worked
701400,7014,Glassware; signalling, (not optically worked)
7015,70,Clock, watch and similar glasses, glasses for non-corrective or corrective spectacles, curved, bent, hallowed etc, not optically worked; hollow glass spheres and their segments for manufacture
701510,7015,Glasses for corrective spectacles; curved, bent, hollowed or the like, not optically worked
701590,7015,Glasses; clock or watch and similar, glasses for non-corrective spectacles, curved, bent, hollowed etc, (not optically worked), hollow glass spheres and segments, for the manufacture of such glasses
7016,70,Glass; paving blocks, slabs, bricks, tiles etc, of pressed, moulded glass, whether or not wired, glass smallwares for decorative purposes leaded lights and the like; multicellular or foam glass
701610,7016,Glass cubes and other glass smallwares; whether or not on a backing, for mosaics or similar decorative purposes
701690,7016,Multicellular or foam glass; in blocks, panels, plates, shells or similar forms; paving blocks, slabs, bricks and other articles of pressed or moulded glass
7017,70,Laboratory, hygienic or pharmaceutical glassware, whether or not graduated or calibrated
701710,7017,Glassware; laboratory, hygienic or pharmaceutical, whether or not graduated or calibrated, of fused quartz or other fused silica
701720,7017,Glassware; laboratory, hygienic or pharmaceutical, whether or not graduated or calibrated, having a linear co-efficient of expansion not over 5 x 10 (to the minus 6), (or 0.000005)) per Kelvin with a temperature of 0-300 degrees C
701790,7017,Glassware; laboratory, hygienic or pharmaceutical, whether or not graduated or calibrated, of glass n.e.c. in heading no. 7017
7018,70,Glass beads, imitation pearls, precious or semi-precious stones and similar glass smallwares, statuettes and other ornaments of worked glass; glass microspheres not exceeding 1mm in diameter
701810,7018,Glass; beads, imitation pearls, imitation precious or semi-precious stones and similar glass smallwares
701820,7018,Glass microspheres; not exceeding 1mm in diameter
701890,7018,Glass; articles thereof, statuettes and other ornaments of lamp worked glass, other than imitation jewellery
7019,70,Glass fibres (including glass wool) and articles thereof (e.g. yarn, rovings, woven fabrics)
701911,7019,Glass fibres; (including glass wool), chopped strands, of a length of not more than 50mm
701912,7019,Glass fibres; (including glass wool), rovings
701913,7019,Glass fibres; (including glass wool), yarns and slivers
701914,7019,Glass fibres; (including glass wool), mechanically bonded mats
701915,7019,Glass fibres; (including glass wool), chemically bonded mats
701919,7019,Glass fibres; (including glass wool), threads and mats, other than mechanically or chemically bonded mats
701961,7019,Glass fibres; mechanically bonded fabrics and closed woven fabrics of rovings
701962,7019,Glass fibres; non-woven mechanically bonded fabrics and closed fabrics of rovings
701963,7019,Glass fibres; mechanically bonded fabrics and closed woven fabrics, plain weave, of yarns, not coated or laminated (other than rovings)
701964,7019,Glass fibres; closed woven fabrics, plain weave, of yarns, coated or laminated, (other than rovings)
701965,7019,Glass fibres; open woven fabrics of a width not exceeding 30cm
701966,7019,Glass fibres; open woven fabrics of a width exceeding 30cm
701969,7019,Glass fibres; fabrics n.e.c. in item no. 7019.6
701971,7019,Glass fibres; chemically bonded fabrics
701972,7019,Glass fibres; chemically bonded fabrics, closed fabrics n.e.c. in heading 7019
701973,7019,Glass fibres; chemically bonded fabrics, open fabrics n.e.c. in heading 7019
701980,7019,Glass fibres; glass wool and articles thereof
701990,7019,Glass fibres; n.e.c. in heading no. 7019
7020,70,Glass; articles n.e.c. in chapter 70
702000,7020,Glass; articles n.e.c. in chapter 70
71,XIV,Natural, cultured pearls; precious, semi-precious stones; precious metals, metals clad with precious metal, and articles thereof; imitation jewellery; coin
7101,71,Pearls; natural or cultured, whether or not worked or graded but not strung, mounted or set; pearls, natural or cultured, temporarily strung for the convenience of transport
710110,7101,Pearls; natural, whether or not worked or graded (but not strung, mounted or set), temporarily strung for the convenience of transport
710121,7101,Pearls; cultured, unworked, whether or not graded (but not strung, mounted or set), temporarily strung for the convenience of transport
710122,7101,Pearls; cultured, worked, whether or not graded (but not strung, mounted or set), temporarily strung for the convenience of transport
7102,71,Diamonds, whether or not worked, but not mounted or set
710210,7102,Diamonds; whether or not worked, but not mounted or set, unsorted
710221,7102,Diamonds; industrial, unworked or simply sawn, cleaved or bruted, but not mounted or set
710229,7102,Diamonds; industrial, (other than unworked or simply sawn, cleaved or bruted), but not mounted or set
710231,7102,Diamonds; non-industrial, unworked or simply sawn, cleaved or bruted, but not mounted or set
710239,7102,Diamonds; non-industrial, (other than unworked or simply sawn, cleaved or bruted), but not mounted or set
7103,71,Precious (excluding diamond) and semi-precious stone; worked, graded, not strung, mounted, set; ungraded precious (excluding diamond) and semi-precious stone, temporarily strung for convenience of transport
710310,7103,Stones; precious (other than diamonds) and semi-precious stones, unworked or simply sawn or roughly shaped, not strung, mounted or set
710391,7103,Stones; rubies, sapphires and emeralds, worked (other than simply sawn or roughly shaped), not strung, mounted or set
710399,7103,Stones; precious (other than diamonds) and semi-precious stones, (other than rubies, sapphires and emeralds), worked other than simply sawn or roughly shaped, not strung, mounted or set
7104,71,Stones; synthetic or reconstructed precious or semi-precious, whether or not worked or graded but not strung, mounted or set; ungraded synthetic or reconstructed precious or semi-precious stones, temporarily strung for convenience of transport
710410,7104,Stones; piezo-electric quartz, whether or not worked or graded but not strung, mounted or set; ungraded synthetic or reconstructed precious or semi-precious stones, temporarily strung for convenience of transport
710421,7104,Stones; diamonds, unworked or simply sawn or roughly shaped
710429,7104,Stones; synthetic or reconstructed precious or semi-precious n.e.c. in heading 7104, unworked or simply sawn or roughly shaped
710491,7104,Stones; diamonds, n.e.c. in heading 7104, worked or graded but not strung, mounted or set; ungraded synthetic or reconstructed precious or semi-precious stones, temporarily strung for convenience of transport
710499,7104,Stones; synthetic or reconstructed precious or semi-precious n.e.c. in heading 7104, worked or graded but not strung, mounted or set; ungraded synthetic or reconstructed precious or semi-precious stones, temporarily strung for convenience of transport
7105,71,Dust and powder of natural or synthetic precious or semi-precious stone
710510,7105,Stones; precious and semi-precious, dust and powder, of diamonds
710590,7105,Stones; precious and semi-precious, dust and powder, of natural or synthetic precious or semi-precious stones, excluding diamonds
7106,71,Silver (including silver plated with gold or platinum); unwrought or in semi-manufactured forms, or in powder form
710610,7106,Metals; silver powder
710691,7106,Metals; silver, unwrought, (but not powder)
710692,7106,Metals; silver, semi-manufactured
7107,71,Base metals clad with silver; not further worked than semi-manufactured
710700,7107,Base metals clad with silver; not further worked than semi-manufactured
7108,71,Gold (including gold plated with platinum) unwrought or in semi-manufactured forms, or in powder form
710811,7108,Metals; gold, non-monetary, powder
710812,7108,Metals; gold, non-monetary, unwrought (but not powder)
710813,7108,Metals; gold, semi-manufactured
710820,7108,Gold, monetary
7109,71,Base metals or silver, clad with gold, not further worked than semi-manufactured
710900,7109,Base metals or silver; clad with gold, not further worked than semi-manufactured
7110,71,Platinum; unwrought or in semi-manufactured forms, or in powder form
711011,7110,Metals; platinum, unwrought or in powder form
711019,7110,Metals; platinum, semi-manufactured
711021,7110,Metals; palladium, unwrought or in powder form
711029,7110,Metals; palladium, semi-manufactured
711031,7110,Metals; rhodium, unwrought or in powder form
711039,7110,Metals; rhodium, semi-manufactured
711041,7110,Metals; iridium, osmium, ruthenium, unwrought or in powder form
711049,7110,Metals; iridium, osmium, ruthenium, semi-manufactured
7111,71,Base metals, silver or gold, clad with platinum; not further worked than semi-manufactured
711100,7111,Base metals, silver or gold, clad with platinum; not further worked than semi-manufactured
7112,71,Waste and scrap of precious metal or of metal clad with precious metal; other waste and scrap containing precious metal compounds, of a kind uses principally for the recovery of precious metal other than goods of heading 85.49
711230,7112,Waste and scrap of precious metal or of metal clad with precious metal; ash containing precious metal or precious metal compounds
711291,7112,Waste and scrap of precious metals; of gold, including metal clad with gold but excluding sweepings containing other precious metals
711292,7112,Waste and scrap of precious metals; of platinum, including metal clad with platinum but excluding sweepings containing other precious metals
711299,7112,Waste and scrap of precious metals; waste and scrap of precious metals including metal clad with precious metals, other than that of gold and platinum and excluding ash which contains precious metal or precious metal compounds
7113,71,Jewellery articles and parts thereof, of precious metal or of metal clad with precious metal
711311,7113,Jewellery; of silver, whether or not plated or clad with other precious metal, and parts thereof
711319,7113,Jewellery; of precious metal (excluding silver) whether or not plated or clad with precious metal, and parts thereof
711320,7113,Jewellery; of base metal clad with precious metal, and parts thereof
7114,71,Articles of goldsmiths' or silversmiths' wares and parts thereof, of precious metal or of metal clad with precious metal
711411,7114,Silversmiths' wares; and parts thereof, of silver, whether or not plated or clad with other precious metal
711419,7114,Goldsmiths' wares; articles of and parts thereof, of precious metal (excluding silver) whether or not plated or clad with precious metal
711420,7114,Goldsmiths' and silversmiths' wares; articles of and parts thereof, of base metal clad with precious metal
7115,71,Articles of precious metal or of metal clad with precious metal
711510,7115,Metal; catalysts in the form of wire cloth or grill, of platinum
711590,7115,Metal; precious or metal clad with precious metal, other than that of item no. 7115.10
7116,71,Articles of natural or cultured pearls, precious or semi-precious stones (natural, synthetic or reconstructed)
711610,7116,Pearls; articles of natural or cultured pearls
711620,7116,Stones; precious or semi-precious stones (natural, synthetic or reconstructed) articles of
7117,71,Imitation jewellery
711711,7117,Jewellery; imitation, cuff links and studs, of base metal, whether or not plated with precious metal
711719,7117,Jewellery; imitation, (excluding cuff links and studs), of base metal, whether or not plated with precious metal
711790,7117,Jewellery; imitation, of other than base metal, whether or not plated with precious metal
7118,71,Coin
711810,7118,Coin (other than gold coin), not being legal tender
711890,7118,Coin; other than coin of item no. 7118.10
72,XV,Iron and steel
7201,72,Pig iron and spiegeleisen in pigs, blocks or other primary forms
720110,7201,Iron; non-alloy pig iron containing by weight 0.5% or less of phosphorus, in pigs, blocks or other primary forms
720120,7201,Iron; non-alloy pig iron containing by weight more than 0.5% of phosphorus, in pigs, blocks or other primary forms
720150,7201,Iron; alloy pig iron; spiegeleisen, in pigs, blocks or other primary forms
7202,72,Ferro-alloys
720211,7202,Ferro-alloys; ferro-manganese, containing by weight more than 2% of carbon
720219,7202,Ferro-alloys; ferro-manganese, containing by weight 2% or less of carbon
720221,7202,Ferro-alloys; ferro-silicon, containing by weight more than 55% of silicon
720229,7202,Ferro-alloys; ferro-silicon, containing by weight 55% or less of silicon
720230,7202,Ferro-alloys; ferro-silico-manganese
720241,7202,Ferro-alloys; ferro-chromium, containing by weight more than 4% of carbon
720249,7202,Ferro-alloys; ferro-chromium, containing by weight 4% or less of carbon
720250,7202,Ferro-alloys; ferro-silico-chromium
720260,7202,Ferro-alloys; ferro-nickel
720270,7202,Ferro-alloys; ferro-molybdenum
720280,7202,Ferro-alloys; ferro-tungsten and ferro-silico-tungsten
720291,7202,Ferro-alloys; ferro-titanium and ferro-silico-titanium
720292,7202,Ferro-alloys; ferro-vanadium
720293,7202,Ferro-alloys; ferro-niobium
720299,7202,Ferro-alloys; n.e.c. in heading no. 7202
7203,72,Ferrous products obtained by direct reduction of iron ore and other spongy ferrous products, in lumps, pellets or the like; iron having a minimum purity of 99.94%, in lumps, pellets or similar forms
720310,7203,Ferrous products; obtained by direct reduction of iron ore, in lumps, pellets or similar forms
720390,7203,Ferrous products; spongy ferrous products and iron having a minimum purity by weight of 99.94%, in lumps, pellets or similar forms
7204,72,Ferrous waste and scrap; remelting scrap ingots of iron or steel
720410,7204,Ferrous waste and scrap; of cast iron
720421,7204,Ferrous waste and scrap; of stainless steel
720429,7204,Ferrous waste and scrap; of alloy steel (excluding stainless)
720430,7204,Ferrous waste and scrap; of tinned iron or steel
720441,7204,Ferrous waste and scrap; turnings, shavings, chips, milling waste, sawdust, filings, trimmings and stampings, whether or not in bundles
720449,7204,Ferrous waste and scrap; n.e.c. in heading no. 7204
720450,7204,Ferrous products; remelting scrap ingots
7205,72,Granules and powders, of pig iron, spiegeleisen, iron or steel
720510,7205,Iron or steel, pig iron, spiegeleisen; granules thereof
720521,7205,Alloy steel powders
720529,7205,Iron or steel, pig iron, spiegeleisen; powders (excluding alloy steel)
7206,72,Iron and non-alloy steel in ingots or other primary forms (excluding iron of heading no. 7203)
720610,7206,Iron or non-alloy steel; ingots (excluding iron of heading no. 7203)
720690,7206,Iron or non-alloy steel; primary forms (excluding ingots and iron of heading no. 7203)
7207,72,Iron or non-alloy steel; semi-finished products thereof
720711,7207,Iron or non-alloy steel; semi-finished products of iron or non-alloy steel; containing by weight less than 0.25% of carbon, of rectangular (including square) cross-section, width less than twice thickness
720712,7207,Iron or non-alloy steel; semi-finished products of iron or non-alloy steel; containing by weight less than 0.25% of carbon, of rectangular (other than square) cross-section
720719,7207,Iron or non-alloy steel; semi-finished products of iron or non-alloy steel, containing by weight less than 0.25% of carbon, other than rectangular or square cross-section
720720,7207,Iron or non-alloy steel; semi-finished products of iron or non-alloy steel, containing by weight 0.25% or more of carbon
7208,72,Iron or non-alloy steel; flat-rolled products of a width of 600mm or more, hot-rolled, not clad, plated or coated
720810,7208,Iron or non-alloy steel; in coils, flat-rolled, of a width 600mm or more, hot-rolled, with patterns in relief
720825,7208,Iron or non-alloy steel; in coils, without patterns in relief, flat-rolled, of a width 600mm or more, hot-rolled, pickled, of a thickness of 4.75mm or more
720826,7208,Iron or non-alloy steel; in coils, without patterns in relief, flat-rolled, of a width 600mm or more, hot-rolled, pickled, of a thickness of 3mm or more but less than 4.75mm
720827,7208,Iron or non-alloy steel; in coils, without patterns in relief, flat-rolled, of a width 600mm or more, hot-rolled, pickled, of a thickness of less than 3mm
720836,7208,Iron or non-alloy steel; in coils, without patterns in relief, flat-rolled, of a width 600mm or more, hot-rolled, of a thickness exceeding 10mm
720837,7208,Iron or non-alloy steel; in coils, without patterns in relief, flat-rolled, of a width 600mm or more, hot-rolled, of a thickness of 4.75mm or more but not exceeding 10mm
720838,7208,Iron or non-alloy steel; in coils, without patterns in relief, flat-rolled, of a width 600mm or more, hot-rolled, of a thickness of 3mm or more but less than 4.75mm
720839,7208,Iron or non-alloy steel; in coils, without patterns in relief, flat-rolled, of a width 600mm or more, hot-rolled, of a thickness of less than 3mm
720840,7208,Iron or non-alloy steel; (not in coils), flat-rolled, of a width 600mm or more, hot-rolled, with patterns in relief
720851,7208,Iron or non-alloy steel; (not in coils), flat-rolled, of a width 600mm or more, hot-rolled, without patterns in relief, of a thickness exceeding 10mm
720852,7208,Iron or non-alloy steel; (not in coils), flat-rolled, of a width 600mm or more, hot-rolled, without patterns in relief, of a thickness of 4.75mm or more but not exceeding 10mm
720853,7208,Iron or non-alloy steel; (not in coils), flat-rolled, of a width 600mm or more, hot-rolled, without patterns in relief, of a thickness of 3mm or more but less than 4.75mm
720854,7208,Iron or non-alloy steel; (not in coils), flat-rolled, of a width 600mm or more, hot-rolled, without patterns in relief, of a thickness of less than 3mm
720890,7208,Iron or non-alloy steel; flat-rolled, hot-rolled, of a width 600mm or more, n.e.c. in heading no. 7208
7209,72,Iron or non-alloy steel; flat-rolled products, width 600mm or more, cold-rolled (cold-reduced), not clad, plated or coated
720915,7209,Iron or non-alloy steel; in coils, flat-rolled, width 600mm or more, cold-rolled, of a thickness of 3mm or more
720916,7209,Iron or non-alloy steel; in coils, flat-rolled, width 600mm or more, cold-rolled, of a thickness exceeding 1mm but less than 3mm
720917,7209,Iron or non-alloy steel; in coils, flat-rolled, width 600mm or more, cold-rolled, of a thickness of 0.5mm or more but not exceeding 1mm
720918,7209,Iron or non-alloy steel; in coils, flat-rolled, width 600mm or more, cold-rolled, of a thickness of less than 0.5mm
720925,7209,Iron or non-alloy steel; (not in coils), flat-rolled, width 600mm or more, cold-rolled, of a thickness of 3mm or more
720926,7209,Iron or non-alloy steel; (not in coils), flat-rolled, width 600mm or more, cold-rolled, of a thickness exceeding 1mm but less than 3mm
720927,7209,Iron or non-alloy steel; (not in coils), flat-rolled, width 600mm or more, cold-rolled, of a thickness of 0.5mm or more but not exceeding 1mm
720928,7209,Iron or non-alloy steel; (not in coils), flat-rolled, width 600mm or more, cold-rolled, of a thickness of less than 0.5mm
720990,7209,Iron or non-alloy steel; flat-rolled, width 600mm or more, cold-rolled, n.e.c. in heading no. 7209
7210,72,Iron or non-alloy steel; flat-rolled products, width 600mm or more, clad, plated or coated
721011,7210,Iron or non-alloy steel; flat-rolled, width 600mm or more, plated or coated with tin, thickness of 0.5mm or more
721012,7210,Iron or non-alloy steel; flat-rolled, width 600mm or more, plated or coated with tin, thickness of less than 0.5mm
721020,7210,Iron or non-alloy steel; flat-rolled, width 600mm or more, plated or coated with lead, including terne-plate
721030,7210,Iron or non-alloy steel; flat-rolled, width 600mm or more, electrolytically plated or coated with zinc
721041,7210,Iron or non-alloy steel; flat-rolled, width 600mm or more, corrugated, plated or coated with zinc (not electrolytically)
721049,7210,Iron or non-alloy steel; flat-rolled, width 600mm or more, (not corrugated), plated or coated with zinc (not electrolytically)
721050,7210,Iron or non-alloy steel; flat-rolled, width 600mm or more, plated or coated with chromium oxides or with chromium and chromium oxides
721061,7210,Iron or non-alloy steel; flat-rolled, width 600mm or more, plated or coated with aluminium zinc-alloys
721069,7210,Iron or non-alloy steel; flat-rolled, width 600mm or more, plated or coated with aluminium, other than plated or coated with aluminium zinc-alloys
721070,7210,Iron or non-alloy steel; flat-rolled, width 600mm or more, painted, varnished or coated with plastics
721090,7210,Iron or non-alloy steel; flat-rolled, width 600mm or more, plated or coated with materials n.e.c. in heading no. 7210
7211,72,Iron or non-alloy steel; flat-rolled products, width less than 600mm, not clad, plated or coated
721113,7211,Iron or non-alloy steel; flat-rolled, hot-rolled, rolled on four faces or in a closed box pass, of a width more than 150mm but less than 600mm, 4mm thick or more, not in coils, without patterns in relief
721114,7211,Iron or non-alloy steel; flat-rolled, hot-rolled, of a width less than 600mm, 4.75mm thick or more, excluding those of item no. 7211.13
721119,7211,Iron or non-alloy steel; flat-rolled, hot-rolled, of a width less than 600mm, less than 4.75mm thick, excluding those of item no. 7211.13
721123,7211,Iron or non-alloy steel; flat-rolled, cold-rolled, of a width less than 600mm, containing by weight less than 0.25% of carbon
721129,7211,Iron or non-alloy steel; flat-rolled, cold-rolled, of a width less than 600mm, containing by weight 0.25% or more of carbon
721190,7211,Iron or non-alloy steel; flat-rolled, n.e.c. in heading no. 7211, width less than 600mm
7212,72,Iron or non-alloy steel; flat-rolled products, width less than 600mm, clad, plated or coated
721210,7212,Iron or non-alloy steel; flat-rolled, width less than 600mm, plated or coated with tin
721220,7212,Iron or non-alloy steel; flat-rolled, of a width less than 600mm, electrolytically plated or coated with zinc
721230,7212,Iron or non-alloy steel; flat-rolled, width less than 600mm, plated or coated with zinc (not electrolytically)
721240,7212,Iron or non-alloy steel; flat-rolled, width less than 600mm, painted, varnished or coated with plastics
721250,7212,Iron or non-alloy steel; flat-rolled, width less than 600mm, plated or coated, (excluding tin, zinc or plastic)
721260,7212,Iron or non-alloy steel; flat-rolled, width less than 600mm, clad
7213,72,Iron or non-alloy steel; bars and rods, hot-rolled, in irregularly wound coils
721310,7213,Iron or non-alloy steel; bars and rods, hot-rolled, in irregularly wound coils, containing indentations, ribs, grooves or other deformations produced during the rolling process
721320,7213,Iron or non-alloy steel; bars and rods, hot-rolled, in irregularly wound coils, of free-cutting steel
721391,7213,Iron or non-alloy steel; bars and rods, hot-rolled, in irregularly wound coils, n.e.c. in heading no. 7213, of circular cross-section measuring less than 14mm in diameter
721399,7213,Iron or non-alloy steel; bars and rods, hot-rolled, in irregularly wound coils, n.e.c. in heading no. 7213, of circular cross-section measuring 14mm or more in diameter
7214,72,Iron or non-alloy steel; bars and rods, not further worked than forged, hot-rolled, hot drawn or hot-extruded, but including those twisted after rolling
721410,7214,Iron or non-alloy steel; bars and rods, forged, hot-rolled, hot-drawn or hot-extruded, but including those twisted after rolling
721420,7214,Iron or non-alloy steel; bars and rods, hot-rolled, hot-drawn or hot-extruded, containing indentations, ribs, grooves or other deformations produced during the rolling process or twisted after rolling
721430,7214,Iron or non-alloy steel; bars and rods, hot-rolled, hot-drawn or hot-extruded, including those twisted after rolling, of free-cutting steel
721491,7214,Iron or non-alloy steel; bars and rods, hot-rolled, hot-drawn or hot-extruded, n.e.c. in heading no. 7214, of rectangular (other than square) cross-section
721499,7214,Iron or non-alloy steel; bars and rods, hot-rolled, hot-drawn or hot-extruded, n.e.c. in heading no. 7214, other than of rectangular cross-section
7215,72,Iron or non-alloy steel; bars and rods, n.e.c. in chapter 72
721510,7215,Iron or non-alloy steel; bars and rods, of free-cutting steel, cold-formed or cold-finished, n.e.c. in chapter 72
721550,7215,Iron or non-alloy steel; bars and rods, n.e.c. in chapter 72, cold-formed or cold-finished, (not free-cutting)
721590,7215,Iron or non-alloy steel; bars and rods, n.e.c. in chapter 72, n.e.c. in heading no. 7215
7216,72,Iron or non-alloy steel, angles, shapes and sections
721610,7216,Iron or non-alloy steel; U, I or H sections, hot-rolled, hot-drawn or extruded, of a height of less than 80mm
721621,7216,Iron or non-alloy steel; L sections, hot-rolled, hot-drawn or extruded, of a height of less than 80mm
721622,7216,Iron or non-alloy steel; T sections, hot-rolled, hot-drawn or extruded, of a height less than 80mm
721631,7216,Iron or non-alloy steel; U sections, hot-rolled, hot-drawn or extruded, of a height of 80mm or more
721632,7216,Iron or non-alloy steel; I sections, hot-rolled, hot-drawn or extruded, of a height of 80mm or more
721633,7216,Iron or non-alloy steel; H sections, hot-rolled, hot-drawn or extruded, of a height of 80mm or more
721640,7216,Iron or non-alloy steel; L or T sections, hot-rolled, hot-drawn or extruded, of a height of 80mm or more
721650,7216,Iron or non-alloy steel; angles, shapes and sections, n.e.c. in heading no. 7216, hot-rolled, hot-drawn or extruded
721661,7216,Iron or non-alloy steel; angles, shapes and sections, cold-formed or cold-finished, obtained from flat-rolled products
721669,7216,Iron or non-alloy steel; angles, shapes and sections, cold-formed or cold-finished, (not obtained from flat-rolled products)
721691,7216,Iron or non-alloy steel; angles, shapes and sections, n.e.c. in heading no. 7216, cold-formed or cold-finished, from flat-rolled products
721699,7216,Iron or non-alloy steel; angles, shapes and sections, n.e.c. in heading no. 7216
7217,72,Wire of iron or non-alloy steel
721710,7217,Iron or non-alloy steel; wire, (not plated or coated), whether or not polished
721720,7217,Iron or non-alloy steel; wire, plated or coated with zinc
721730,7217,Iron or non-alloy steel; wire, plated or coated with base metals (other than zinc)
721790,7217,Iron or non-alloy steel; wire, n.e.c. in heading no. 7217
7218,72,Stainless steel in ingots or other primary forms; semi-finished products of stainless steel
721810,7218,Steel, stainless; ingots and other primary forms
721891,7218,Steel, stainless; semi-finished products, of rectangular (other than square) cross-section
721899,7218,Steel, stainless; semi-finished products, other than of rectangular cross-section
7219,72,Stainless steel; flat-rolled products of width of 600mm or more
721911,7219,Steel, stainless; flat-rolled, width 600mm or more, hot-rolled, in coils, of a thickness exceeding 10mm
721912,7219,Steel, stainless; flat-rolled, width 600mm or more, hot-rolled, in coils, of a thickness of 4.75mm or more but not exceeding 10mm
721913,7219,Steel, stainless; flat-rolled, width 600mm or more, hot-rolled, in coils, of a thickness of 3mm or more but less than 4.75mm
721914,7219,Steel, stainless; flat-rolled, width 600mm or more, hot-rolled, in coils, of a thickness of less than 3mm
721921,7219,Steel, stainless; flat-rolled, width 600mm or more, hot-rolled, (not in coils), of a thickness exceeding 10mm
721922,7219,Steel, stainless; flat-rolled, width 600mm or more, hot-rolled, (not in coils), of a thickness of 4.75mm or more but not exceeding 10mm
721923,7219,Steel, stainless; flat-rolled, width 600mm or more, hot-rolled, (not in coils), of a thickness of 3mm or more but less than 4.75mm
721924,7219,Steel, stainless; flat-rolled, width 600mm or more, hot-rolled, (not in coils), of a thickness of less than 3mm
721931,7219,Steel, stainless; flat-rolled, width 600mm or more, cold-rolled or cold-reduced, of a thickness of 4.75mm or more
721932,7219,Steel, stainless; flat-rolled, width 600mm or more, cold-rolled, of a thickness of 3mm or more but less than 4.75mm
721933,7219,Steel, stainless; flat-rolled, width 600mm or more, cold-rolled, of a thickness exceeding 1mm but less than 3mm
721934,7219,Steel, stainless; flat-rolled, width 600mm or more, cold-rolled, of a thickness of 0.5mm or more but not exceeding 1mm
721935,7219,Steel, stainless; flat-rolled, width 600mm or more, cold-rolled, of a thickness of less than 0.5mm
721990,7219,Steel, stainless; flat-rolled, width 600mm or more, n.e.c. in heading no. 7219
7220,72,Stainless steel; flat-rolled products of width less than 600mm
722011,7220,Steel, stainless; flat-rolled, width less than 600mm, hot-rolled, of a thickness of 4.75mm or more
722012,7220,Steel, stainless; flat-rolled, width less than 600mm, hot-rolled, of a thickness of less than 4.75mm
722020,7220,Steel, stainless; flat-rolled, width less than 600mm, cold-rolled
722090,7220,Steel, stainless; flat-rolled, width less than 600mm, n.e.c. in heading no 7220
7221,72,Stainless steel bars and rods, hot-rolled, in irregularly wound coils
722100,7221,Steel, stainless; bars and rods, hot-rolled, in irregularly wound coils
7222,72,Stainless steel bars and rods, angles, shapes and sections
722211,7222,Steel, stainless; bars and rods, hot-rolled, hot-drawn or extruded, of circular cross-section
722219,7222,Steel, stainless; bars and rods, hot-rolled, hot-drawn or extruded, other than of circular cross-section
722220,7222,Steel, stainless; bars and rods, cold-formed or cold-finished
722230,7222,Steel, stainless; bars and rods, n.e.c. in heading no. 7222
722240,7222,Steel, stainless; angles, shapes and sections
7223,72,Stainless steel wire
722300,7223,Steel, stainless; wire
7224,72,Alloy steel in ingots or other primary forms, semi-finished products of other alloy steel
722410,7224,Steel, alloy; ingots and other primary forms
722490,7224,Steel, alloy; semi-finished products
7225,72,Alloy steel flat-rolled products, of a width 600mm or more
722511,7225,Steel, alloy; flat-rolled, width 600mm or more, of silicon-electrical steel, grain-oriented
722519,7225,Steel, alloy; flat-rolled, width 600mm or more, of silicon-electrical steel, (other than grain-oriented)
722530,7225,Steel, alloy; flat-rolled, width 600mm or more, hot-rolled, in coils
722540,7225,Steel, alloy; flat-rolled, width 600mm or more, hot-rolled, not in coils
722550,7225,Steel, alloy; flat-rolled, width 600mm or more, cold-rolled
722591,7225,Steel, alloy; flat-rolled, width 600mm or more, n.e.c. in heading no. 7225, electrolytically plated or coated with zinc
722592,7225,Steel, alloy; flat-rolled, width 600mm or more, n.e.c. in heading no. 7225, plated or coated with zinc (other than electrolytically)
722599,7225,Steel, alloy; flat-rolled, width 600mm or more, n.e.c. in heading no. 7225, (other than plated or coated with zinc)
7226,72,Alloy steel flat-rolled products, of a width of less than 600mm
722611,7226,Steel, alloy; flat-rolled, width less than 600mm, of silicon-electrical steel, grain-oriented
722619,7226,Steel, alloy; flat-rolled, width less than 600mm, of silicon-electrical steel, other than grain-oriented
722620,7226,Steel, alloy; flat-rolled, width less than 600mm, of high speed steel
722691,7226,Steel, alloy; flat-rolled, width less than 600mm, (excluding silicon-electrical or high speed steel), hot-rolled
722692,7226,Steel, alloy; flat-rolled, width less than 600mm, (excluding silicon-electrical or high speed steel), cold-rolled
722699,7226,Steel, alloy; flat-rolled, width less than 600mm, n.e.c. in item no. 7226.9
7227,72,Steel, alloy; bars and rods, hot-rolled, in irregularly wound coils
722710,7227,Steel, alloy; bars and rods, hot-rolled, in irregularly wound coils, of high speed steel
722720,7227,Steel, alloy; bars and rods, hot-rolled, in irregularly wound coils, of silico-manganese steel
722790,7227,Steel, alloy; bars and rods, hot-rolled, in irregularly wound coils, n.e.c. in heading no. 7227
7228,72,Alloy steel bars, rods, shapes and sections; hollow drill bars and rods, of alloy or non-alloy steel
722810,7228,Steel, alloy; bars and rods, of high speed steel
722820,7228,Steel, alloy; bars and rods, of silico-manganese steel
722830,7228,Steel, alloy; bars and rods, hot-rolled, hot-drawn or extruded
722840,7228,Steel, alloy; bars and rods, forged
722850,7228,Steel, alloy; bars and rods, cold-formed or cold-finished
722860,7228,Steel, alloy; bars and rods n.e.c. in heading no. 7228
722870,7228,Steel, alloy; angles, shapes and sections
722880,7228,Steel, alloy or non-alloy; hollow drill bars and rods
7229,72,Wire of other alloy steel
722920,7229,Steel, alloy; wire, of silico-manganese steel
722990,7229,Steel, alloy; wire, of materials other than silico-manganese steel
73,XV,Iron or steel articles
7301,73,Iron or steel sheet piling, whether or not drilled, punched or made from assembled elements; welded angles, shapes and sections, of iron or steel
730110,7301,Iron or steel; sheet piling, whether or not drilled, punched or made from assembled elements
730120,7301,Iron or steel; angles, shapes and sections, welded
7302,73,Railway or tramway track constructions of iron or steel; rails, check and track rails, switch blades, crossing frogs, point rods, sleepers, fish-plates, chair wedges, sole plates, bedplates, ties and the like
730210,7302,Iron or steel, railway or tramway track construction material; rails
730230,7302,Iron or steel, railway or tramway track construction material; switch blades, crossing frogs, point rods and other crossing pieces
730240,7302,Iron or steel, railway or tramway track construction material; fish-plates and sole plates
730290,7302,Iron or steel, railway or tramway track construction material; n.e.c. in heading no. 7302
7303,73,Tubes, pipes and hollow profiles, of cast iron
730300,7303,Cast iron; tubes, pipes and hollow profiles
7304,73,Tubes, pipes and hollow profiles, seamless, of iron (other than cast iron) or steel
730411,7304,Iron or steel (excluding cast iron); seamless, line pipe of a kind used for oil or gas pipelines, of stainless steel
730419,7304,Iron or steel (excluding cast iron or stainless steel); seamless, line pipe of a kind used for oil or gas pipelines
730422,7304,Steel, stainless; seamless, drill pipe, of a kind used in drilling for oil or gas
730423,7304,Iron or steel (excluding cast iron or stainless steel); seamless, drill pipe, of a kind used in drilling for oil or gas
730424,7304,Steel, stainless; seamless, casing and tubing, of a kind used in drilling for oil or gas
730429,7304,Iron or steel (excluding cast iron or stainless steel); seamless, casing and tubing, of a kind used in drilling for oil or gas
730431,7304,Iron or non-alloy steel (excluding cast iron); seamless, cold-drawn or cold-rolled, tubes, pipes and hollow profiles of circular cross-section
730439,7304,Iron or non-alloy steel (excluding cast iron); seamless, (excluding cold-drawn or cold-rolled), tubes, pipes and hollow profiles of circular cross-section
730441,7304,Steel, stainless; cold-drawn or cold-rolled (cold-reduced), tubes and pipes of circular cross-section
730449,7304,Steel, stainless; (excluding cold-drawn or cold-rolled), tubes pipes and hollow profiles of circular cross-section
730451,7304,Steel, alloy (not stainless steel); seamless, cold-drawn or cold-rolled (cold-reduced), tubes, pipes and hollow profiles of circular cross-section
730459,7304,Steel, alloy (not stainless steel); (excluding cold-drawn or cold-rolled), tubes, pipes and hollow profiles of circular cross-section
730490,7304,Iron or steel (excluding cast iron); seamless, tubes, pipes and hollow profiles, seamless, n.e.c. in heading no. 7304
7305,73,Iron or steel (excluding cast iron); tubes and pipes (e.g. welded, riveted or similarly closed), having circular cross-sections, external diameter of which exceeds 406.4mm, not seamless
730511,7305,Iron or steel (excluding cast iron); line pipe of a kind used for oil or gas pipelines (not seamless), longitudinally submerged arc welded, having circular cross-sections, external diameter exceeds 406.4mm
730512,7305,Iron or steel (excluding cast iron); line pipe of a kind used for oil or gas pipelines (not seamless), longitudinally welded (not submerged arc welded), having circular cross-sections, external diameter exceeds 406.4mm
730519,7305,Iron or steel (excluding cast iron); line pipe of a kind used for oil or gas pipelines (not seamless), (not longitudinally welded), having circular cross-sections, external diameter exceeds 406.4mm
730520,7305,Iron or steel (excluding cast iron); casing of a kind used in drilling for oil or gas (not seamless), having circular cross-sections, external diameter exceeds 406.4mm
730531,7305,Iron or steel (excluding cast iron); tubes and pipes (other than line pipe or casing of a kind used for oil or gas pipelines), longitudinally welded, having circular cross-sections, external diameter exceeds 406.4mm, (not seamless)
730539,7305,Iron or steel (excluding cast iron); tubes and pipes (other than line pipe or casing of a kind used for oil or gas pipelines), welded (not longitudinally welded), having circular cross-sections, external diameter exceeds 406.4mm, (not seamless)
730590,7305,Iron or steel (excluding cast iron); tubes and pipes n.e.c. in heading no. 7305, having circular cross-sections, external diameter exceeds 406.4mm, (not seamless)
7306,73,Iron or steel (excluding cast iron); tubes, pipes and hollow profiles (not seamless), n.e.c. in chapter 73
730611,7306,Steel; stainless; line pipe of a kind used for oil or gas pipelines n.e.c. in chapter 73, welded, (not seamless)
730619,7306,Iron or steel (excluding cast iron); line pipe of a kind used for oil or gas pipelines (other than of stainless steel or seamless), n.e.c. in chapter 73
730621,7306,Steel, stainless; casing and tubing of a kind used in drilling for oil and gas, n.e.c. in chapter 73, welded, (not seamless)
730629,7306,Iron or steel (excluding cast iron); casing and tubing of a kind used in drilling for oil and gas (other than stainless steel or seamless), n.e.c. in chapter 73
730630,7306,Iron or non-alloy steel (excluding cast iron); tubes and pipes (not seamless), welded, of circular cross-section, n.e.c. in chapter 73
730640,7306,Steel, stainless; tubes, pipes and hollow profiles, welded, of circular cross-section, n.e.c. in chapter 73
730650,7306,Steel, alloy; tubes, pipes and hollow profiles (other than stainless steel or seamless), welded, of circular cross-section, n.e.c. in chapter 73
730661,7306,Iron or steel (excluding cast iron); tubes, pipes and hollow profiles (not seamless), welded, of square or rectangular cross-section, n.e.c. in chapter 73
730669,7306,Iron or steel (excluding cast iron); tubes, pipes and hollow profiles (not seamless), n.e.c. in chapter 73, welded, of non-circular cross-section (not square or rectangular cross-section)
730690,7306,Iron or steel (excluding cast iron); tubes, pipes and hollow profiles (not seamless), n.e.c. in chapter 73
7307,73,Tube or pipe fittings (e.g. couplings, elbows, sleeves), of iron or steel
730711,7307,Cast iron; cast fittings, of non-malleable cast iron
730719,7307,Iron or steel; cast fittings, other than of non-malleable cast iron
730721,7307,Steel, stainless; tube or pipe fittings, flanges, of stainless steel
730722,7307,Steel, stainless; tube or pipe fittings, threaded elbows, bends and sleeves
730723,7307,Steel, stainless; tube or pipe fittings, butt welding fittings
730729,7307,Steel, stainless; tube or pipe fittings, n.e.c. in item no. 7307.2
730791,7307,Iron or steel; tube or pipe fittings, flanges, other than stainless steel
730792,7307,Iron or steel; tube or pipe fittings, threaded elbows, bends and sleeves, other than stainless steel
730793,7307,Iron or steel; tube or pipe fittings, butt welding fittings, other than stainless steel
730799,7307,Iron or steel; tube or pipe fittings, n.e.c. in item no. 7307.9, other than stainless steel
7308,73,Structures of iron or steel and parts thereof; plates, rods, angles, shapes, sections, tubes and the like, prepared for use in structures
730810,7308,Iron or steel; structures and parts thereof, bridges and bridge-sections
730820,7308,Iron or steel; structures and parts thereof, towers and lattice masts
730830,7308,Iron or steel; structures and parts thereof, doors, windows and their frames and thresholds for doors
730840,7308,Iron or steel; structures and parts thereof, props and similar equipment for scaffolding, shuttering or pit-propping
730890,7308,Iron or steel; structures and parts thereof, n.e.c. in heading 7308
7309,73,Reservoirs, tanks, vats and similar containers; for any material (excluding compressed or liquefied gas), of iron or steel, capacity exceeding 300l, whether or not lined or heat insulated
730900,7309,Reservoirs, tanks, vats and similar containers; for any material (excluding compressed or liquefied gas), of iron or steel, capacity exceeding 300l, whether or not lined or heat insulated
7310,73,Tanks, casks, drums, cans, boxes and similar containers, for any material (excluding compressed or liquefied gas), of iron or steel, capacity not exceeding 300l, whether or not lined or heat-insulated
731010,7310,Tanks, casks, drums, cans, boxes and similar containers, for any material (excluding compressed or liquefied gas), 50l or more capacity but not exceeding 300l
731021,7310,Cans; which are to be closed by soldering or crimping, for any material (excluding compressed or liquefied gas), less than 50l capacity, of iron or steel
731029,7310,Tanks, casks, drums, boxes and similar containers for any material (excluding compressed or liquefied gas) less than 50l capacity, n.e.c. in item no. 7310.2, of iron or steel
7311,73,Containers for compressed or liquefied gas, of iron or steel
731100,7311,Containers for compressed or liquefied gas, of iron or steel
7312,73,Stranded wire, ropes, cables, plaited bands, slings and the like, of iron or steel, not electrically insulated
731210,7312,Iron or steel; stranded wire, ropes and cables, not electrically insulated
731290,7312,Iron or steel; plaited bands, slings and the like, not electrically insulated
7313,73,Barbed wire of iron or steel; twisted hoop or single flat wire, barbed or not and loosely twisted double wire, of a kind used for fencing, of iron or steel
731300,7313,Iron of steel; barbed wire, twisted hoop or single flat wire and loosely twisted double wire, used for fencing
7314,73,Cloth (including endless bands), grill, netting and fencing, of iron or steel wire; expanded metal of iron or steel
731412,7314,Iron or steel; woven cloth, endless bands for machinery, of stainless steel
731414,7314,Iron or steel; woven cloth, of stainless steel, (other than endless bands for machinery)
731419,7314,Iron or steel; woven cloth, other than of stainless steel
731420,7314,Iron or steel wire; grill, netting and fencing, welded at intersections, of wire with a maximum cross-sectional dimension of 3mm or more and mesh size 100cm2 or more
731431,7314,Iron or steel wire; grill, netting and fencing, welded at the intersection, n.e.c. in item no. 7314.20, plated or coated with zinc
731439,7314,Iron or steel wire; grill, netting and fencing, welded at the intersection, n.e.c. in item no. 7314.20, (other than plated or coated with zinc)
731441,7314,Iron or steel wire; grill, netting and fencing, plated or coated with zinc
731442,7314,Iron or steel wire; grill, netting and fencing, coated with plastic
731449,7314,Iron or steel wire; grill, netting and fencing, coated with materials other than zinc or plastic
731450,7314,Iron or steel; expanded metal
7315,73,Chain and parts thereof, of iron or steel
731511,7315,Chain; articulated link, roller, of iron or steel
731512,7315,Chain; articulated link, (other than roller), of iron or steel
731519,7315,Chain; articulated link parts, of iron or steel
731520,7315,Chain; skid, articulated link chain and parts thereof, of iron or steel
731581,7315,Chain; stud-link chain, of iron or steel
731582,7315,Chain; welded link chain, of iron or steel
731589,7315,Chain; n.e.c. in heading no. 7315, of iron or steel
731590,7315,Chain; parts n.e.c. in heading no. 7315, of iron or steel
7316,73,Anchors, grapnels and parts thereof, of iron or steel
731600,7316,Iron or steel; anchors, grapnels and parts thereof
7317,73,Nails, tacks, drawing pins, corrugated nails, staples (not those of heading no. 8305) and the like, of iron or steel, with heads of other material or not, but excluding articles with heads of copper
731700,7317,Iron or steel; nails, tacks, drawing pins, corrugated nails, staples (not those of heading no. 8305) and the like, with heads of other material or not, but excluding articles with heads of copper
7318,73,Screws, bolts, nuts, coach screws, screw hooks, rivets, cotters, cotter-pins, washers (including spring washers) and similar articles, of iron or steel
731811,7318,Iron or steel; threaded coach screws
731812,7318,Iron or steel; threaded wood screws other than coach screws
731813,7318,Iron or steel; threaded screw hooks and screw rings
731814,7318,Iron or steel; threaded self-tapping screws
731815,7318,Iron or steel; threaded screws and bolts n.e.c. in item no. 7318.1, whether or not with their nuts or washers
731816,7318,Iron or steel; threaded nuts
731819,7318,Iron or steel; threaded screws, bolts and nuts n.e.c. in item no. 7318.1
731821,7318,Iron or steel; non-threaded spring washers and other lock washers
731822,7318,Iron or steel; non-threaded washers, excluding spring and lock
731823,7318,Iron or steel; non-threaded rivets
731824,7318,Iron or steel; non-threaded cotters and cotter-pins
731829,7318,Iron or steel; non-threaded articles, n.e.c. in item no. 7318.2
7319,73,Sewing and knitting needles, bodkins, crochet hooks, embroidery stilettos and similar articles, for use in the hand, of iron or steel; safety pins and other pins of iron or steel, not elsewhere specified or included
731940,7319,Safety pins and other pins; of iron or steel
731990,7319,Sewing and knitting needles, bodkins, crochet hooks, embroidery stilettos and similar articles, for use in the hand, not elsewhere specified or included, of iron or steel
7320,73,Springs and leaves for springs, of iron or steel
732010,7320,Iron or steel; leaf-springs and leaves therefor
732020,7320,Iron or steel; helical springs and leaves for springs
732090,7320,Iron or steel; springs n.e.c. in heading no. 7320
7321,73,Stoves, ranges, grates, cookers (those with subsidiary boilers for central heating), barbecues, braziers, gas-rings, plate warmers and similar non-electric domestic appliances and parts, of iron or steel
732111,7321,Cooking appliances and plate warmers; for gas fuel or for both gas and other fuels, of iron or steel
732112,7321,Cooking appliances and plate warmers; for liquid fuel, of iron or steel
732119,7321,Cooking appliances and plate warmers; for solid fuel and fuels other than gas or liquid, of iron or steel
732181,7321,Domestic appliances; non-electric, (other than cookers and plate warmers), for gas fuel or for both gas and other fuels, of iron or steel
732182,7321,Domestic appliances; non-electric, (other than cookers and plate warmers), for liquid fuel, of iron or steel
732189,7321,Domestic appliances; non-electric, (other than cookers and plate warmers), for solid fuel and fuels other than gas or liquid, of iron or steel
732190,7321,Domestic appliances; non-electric, parts thereof, of iron or steel
7322,73,Radiators for central heating, not electrically heated and parts thereof, of iron or steel; air heaters, hot air distributors not electrically heated, with motor fan or blower
732211,7322,Radiators and parts thereof; for central heating, (not electrically heated), of cast iron
732219,7322,Radiators and parts thereof; for central heating, (not electrically heated), of iron or steel other than cast iron
732290,7322,Air heaters and hot air distributors, (not electrically heated), incorporating a motor-driven fan or blower and parts thereof, of iron or steel
7323,73,Table, kitchen, other household articles and parts, of iron or steel; iron or steel wool; pot scourers and scouring or polishing pads, gloves and the like, of iron or steel
732310,7323,Iron or steel; wool, pot scourers and scouring or polishing pads, gloves and the like
732391,7323,Cast iron; table, kitchen and other household articles and parts thereof, of cast iron, not enamelled
732392,7323,Cast iron; table, kitchen and other household articles and parts thereof, of cast iron, enamelled
732393,7323,Steel, stainless; table, kitchen and other household articles and parts thereof
732394,7323,Iron (excluding cast) or steel; table, kitchen and other household articles and parts thereof, enamelled
732399,7323,Iron or steel; table, kitchen and other household articles and parts thereof, of iron or steel n.e.c. in heading no. 7323
7324,73,Sanitary ware and parts thereof, of iron or steel
732410,7324,Steel; sinks and wash basins, of stainless steel
732421,7324,Cast iron, baths, whether or not enamelled
732429,7324,Iron (other than cast) or steel; baths
732490,7324,Iron or steel; sanitary ware and parts thereof, excluding sinks, wash basins and baths
7325,73,Iron or steel; cast articles
732510,7325,Iron; articles of non-malleable cast iron
732591,7325,Iron; grinding balls and similar articles for mills, other than of non-malleable cast iron
732599,7325,Iron or steel; cast articles, excluding grinding balls and similar articles for mills, other than of non-malleable cast iron
7326,73,Iron or steel; articles, n.e.c. in chapter 73
732611,7326,Iron or steel; grinding balls and similar articles for mills, forged or stamped, but not further worked
732619,7326,Iron or steel; articles n.e.c. in item no. 7326.11, forged or stamped, but not further worked
732620,7326,Iron or steel; wire articles
732690,7326,Iron or steel; articles n.e.c. in heading 7326
74,XV,Copper and articles thereof
7401,74,Copper mattes; cement copper (precipitated copper)
740100,7401,Copper mattes; cement copper (precipitated copper)
7402,74,Copper; unrefined, copper anodes for electrolytic refining
740200,7402,Copper; unrefined, copper anodes for electrolytic refining
7403,74,Copper; refined and copper alloys, unwrought
740311,7403,Copper; refined, unwrought, cathodes and sections of cathodes
740312,7403,Copper; refined, unwrought, wire-bars
740313,7403,Copper; refined, unwrought, billets
740319,7403,Copper; refined, unwrought, n.e.c. in item no. 7403.1
740321,7403,Copper; copper-zinc base alloys (brass) unwrought
740322,7403,Copper; copper-tin base alloys (bronze) unwrought
740329,7403,Copper; copper alloys n.e.c. in heading no. 7403 (other than master alloys of heading no. 7405)
7404,74,Copper; waste and scrap
740400,7404,Copper; waste and scrap
7405,74,Copper; master alloys
740500,7405,Copper; master alloys of copper
7406,74,Copper; powders and flakes
740610,7406,Copper; powders of non-lamellar structure
740620,7406,Copper; powders of lamellar structure, flakes
7407,74,Copper; bars, rods and profiles
740710,7407,Copper; bars, rods and profiles, of refined copper
740721,7407,Copper; bars, rods and profiles, of copper-zinc base alloys (brass)
740729,7407,Copper; bars, rods and profiles, of copper alloys (other than copper-zinc base alloys)
7408,74,Copper wire
740811,7408,Copper; wire, of refined copper, of which the maximum cross-sectional dimension exceeds 6mm
740819,7408,Copper; wire, of refined copper, of which the maximum cross-sectional dimension is 6mm or less
740821,7408,Copper; wire, of copper-zinc base alloys (brass)
740822,7408,Copper; wire, of copper-nickel base alloys (cupro-nickel) or copper-nickel-zinc base alloys (nickel silver)
740829,7408,Copper; wire, of copper alloys (other than copper-zinc base alloys, copper-nickel base alloys or copper-nickel-zinc base alloys)
7409,74,Copper plates, sheets and strip; of a thickness exceeding 0.15mm
740911,7409,Copper; strip, of a thickness exceeding 0.15mm, of refined copper, in coils
740919,7409,Copper; plates and sheets, of a thickness exceeding 0.15mm, of refined copper, not in coils
740921,7409,Copper; strip, of a thickness exceeding 0.15mm, of copper-zinc base alloys (brass), in coils
740929,7409,Copper; plates and sheets, of a thickness exceeding 0.15mm, of copper-zinc base alloys (brass), not in coils
740931,7409,Copper; strip, of a thickness exceeding 0.15mm, of copper-tin base alloys (bronze), in coils
740939,7409,Copper; plates and sheets, of a thickness exceeding 0.15mm, of copper-tin base alloys, not in coils
740940,7409,Copper; plates, sheets and strip, of a thickness exceeding 0.15mm, of copper-nickel base alloys (cupro-nickel) or copper-nickel-zinc base alloys (nickel silver)
740990,7409,Copper; plates, sheets and strip, of a thickness exceeding 0.15mm, of copper alloys (other than copper-zinc base alloys, copper-tin base alloys, copper-nickel base alloys or copper-nickel-zinc base alloys)
7410,74,Copper foil (whether or not printed or backed with paper, paperboard, plastics or similar backing materials) of a thickness (excluding any backing) not exceeding 0.15mm
741011,7410,Copper; foil, not backed, of a thickness not exceeding 0.15mm, of refined copper
741012,7410,Copper; foil, not backed, of a thickness not exceeding 0.15mm, of copper alloys
741021,7410,Copper; foil, backed with paper, paperboard, plastics or similar backing material, of a thickness (excluding any backing) not exceeding 0.15mm, of refined copper
741022,7410,Copper; foil, backed with paper, paperboard, plastics or similar backing material, of a thickness (excluding any backing) not exceeding 0.15mm, of copper alloys
7411,74,Copper tubes and pipes
741110,7411,Copper; tubes and pipes, of refined copper
741121,7411,Copper; tubes and pipes, of copper-zinc base alloys (brass)
741122,7411,Copper; tubes and pipes, of copper-nickel base alloys (cupro-nickel) or copper-nickel-zinc base alloys (nickel silver)
741129,7411,Copper; tubes and pipes, of copper alloys (other than copper-zinc, copper-nickel base alloys (cupro-nickel) or copper-nickel-zinc base alloys (nickel-silver))
7412,74,Copper; tube or pipe fittings (e.g. couplings, elbows, sleeves)
741210,7412,Copper; tube or pipe fittings (e.g. couplings, elbows, sleeves) of refined copper
741220,7412,Copper; tube or pipe fittings (e.g. couplings, elbows, sleeves) of copper alloys
7413,74,Copper; stranded wire, cables, plaited bands and the like, not electrically insulated
741300,7413,Copper; stranded wire, cables, plaited bands and the like, not electrically insulated
7415,74,Copper, nails, tacks, drawing pins, staples (not those of heading no. 8305) and the like, of copper or iron or steel with heads of copper; screws bolts, nuts, screws hooks, rivets, cotters, washers
741510,7415,Copper; nails and tacks, drawing pins, staples and similar articles of copper, or of iron or steel with copper heads
741521,7415,Copper; washers, (including spring washers), not threaded
741529,7415,Copper; rivets, cotters, cotter-pins and similar articles, not threaded
741533,7415,Copper; screws, bolts and nuts, threaded
741539,7415,Copper; articles n.e.c. in heading no. 7415
7418,74,Copper; table, kitchen or other household articles and parts thereof; pot scourers, scouring, polishing pads, gloves and the like; sanitary ware and parts thereof
741810,7418,Copper; table, kitchen or other household articles and parts thereof; pot scourers and scouring or polishing pads, gloves and the like
741820,7418,Copper; sanitary ware and parts thereof
7419,74,Copper; articles thereof n.e.c. in chapter 74
741920,7419,Copper; cast, moulded, stamped or forged, but not further worked
741980,7419,Copper; articles thereof n.e.c. in chapter 74
75,XV,Nickel and articles thereof
7501,75,Nickel mattes; nickel oxide sinters and other intermediate products of nickel metallurgy
750110,7501,Nickel; nickel mattes
750120,7501,Nickel; oxide sinters and other intermediate products of nickel metallurgy
7502,75,Nickel; unwrought
750210,7502,Nickel; unwrought, not alloyed
750220,7502,Nickel; unwrought, alloys
7503,75,Nickel; waste and scrap
750300,7503,Nickel; waste and scrap
7504,75,Nickel; powders and flakes
750400,7504,Nickel; powders and flakes
7505,75,Nickel; bars, rods, profiles and wire
750511,7505,Nickel; bars, rods and profiles, not alloyed
750512,7505,Nickel; bars, rods and profiles, of nickel alloys
750521,7505,Nickel; wire, not alloyed
750522,7505,Nickel; wire, of nickel alloys
7506,75,Nickel; plates, sheets, strip and foil
750610,7506,Nickel; plates, sheets, strip and foil, not alloyed
750620,7506,Nickel; plates, sheets, strip and foil, of nickel alloys
7507,75,Nickel; tubes, pipes and tube or pipe fittings (e.g. couplings, elbows, sleeves)
750711,7507,Nickel; tubes and pipes, not alloyed
750712,7507,Nickel; tubes and pipes, of nickel alloys
750720,7507,Nickel; tube and pipe fittings
7508,75,Nickel; articles thereof n.e.c. in chapter 75
750810,7508,Nickel; cloth, grill and netting, of nickel wire
750890,7508,Nickel; articles thereof n.e.c. in item no. 7508.1
76,XV,Aluminium and articles thereof
7601,76,Aluminium; unwrought
760110,7601,Aluminium; unwrought, (not alloyed)
760120,7601,Aluminium; unwrought, alloys
7602,76,Aluminium; waste and scrap
760200,7602,Aluminium; waste and scrap
7603,76,Aluminium; powders and flakes
760310,7603,Aluminium; powders of non-lamellar structure
760320,7603,Aluminium; powders of lamellar structure, flakes
7604,76,Aluminium; bars, rods and profiles
760410,7604,Aluminium; (not alloyed), bars, rods and profiles
760421,7604,Aluminium; alloys, hollow profiles
760429,7604,Aluminium; alloys, bars, rods and profiles, other than hollow
7605,76,Aluminium wire
760511,7605,Aluminium; (not alloyed), wire, maximum cross-sectional dimension exceeds 7mm
760519,7605,Aluminium; (not alloyed), wire, maximum cross-sectional dimension is 7mm or less
760521,7605,Aluminium; alloys, wire, maximum cross-sectional dimension exceeding 7mm
760529,7605,Aluminium; alloys, wire, maximum cross-sectional dimension is 7mm or less
7606,76,Aluminium; plates, sheets and strip, thickness exceeding 0.2mm
760611,7606,Aluminium; plates, sheets and strip, thickness exceeding 0.2mm, (not alloyed), rectangular (including square)
760612,7606,Aluminium; plates, sheets and strip, thickness exceeding 0.2mm, alloys, rectangular (including square)
760691,7606,Aluminium; plates, sheets and strip, thickness exceeding 0.2mm, not alloyed, (not rectangular or square)
760692,7606,Aluminium; plates, sheets and strip, thickness exceeding 0.2mm, alloys, (not rectangular or square)
7607,76,Aluminium foil (whether or not printed or backed with paper, paperboard, plastics or similar backing materials) of a thickness (excluding any backing) not exceeding 0.2mm
760711,7607,Aluminium; foil, (not backed), rolled (but not further worked), of a thickness not exceeding 0.2mm
760719,7607,Aluminium; foil, (not backed), of a thickness not exceeding 0.2mm, not rolled
760720,7607,Aluminium; foil, backed with paper, paperboard, plastics or similar backing materials, of a thickness (excluding any backing) not exceeding 0.2mm
7608,76,Aluminium; tubes and pipes
760810,7608,Aluminium; tubes and pipes, not alloyed
760820,7608,Aluminium; tubes and pipes, alloys
7609,76,Aluminium; tube or pipe fittings (e.g. couplings, elbows, sleeves)
760900,7609,Aluminium; tube or pipe fittings (e.g. couplings, elbows, sleeves)
7610,76,Aluminium; structures (excluding prefabricated buildings of heading no. 9406) and parts (e.g. bridges and sections, towers, lattice masts, etc) plates, rods, profiles and tubes for structures
761010,7610,Aluminium; structures (excluding prefabricated buildings of heading no. 9406) and parts of structures, doors, windows and their frames and thresholds for doors
761090,7610,Aluminium; structures (excluding prefabricated buildings of heading no. 9406) and parts of structures, n.e.c. in heading no. 7610, plates, rods, profiles, tubes and the like
7611,76,Aluminium; reservoirs, tanks, vats and the like for material (not compressed or liquefied gas) of capacity over 300l, whether or not lined, heat-insulated, not fitted with mechanical, thermal equipment
761100,7611,Aluminium; reservoirs, tanks, vats and similar containers, for material (not compressed or liquefied gas), of a capacity over 300l, whether or not lined, not fitted with mechanical/thermal equipment
7612,76,Aluminium casks, drums, cans, boxes etc (including rigid, collapsible tubular containers), for materials other than compressed, liquefied gas, 300l capacity or less, lined, heat-insulated or not
761210,7612,Aluminium; collapsible tubular containers, for any material, (not compressed or liquefied gas), 300l capacity or less, whether or not lined, not fitted with mechanical/thermal equipment
761290,7612,Aluminium; casks, drums, cans, boxes and the like for any material (not compressed or liquefied gas), 300l capacity or less, whether or not lined or heat-insulated, no mechanical or thermal equipment
7613,76,Aluminium; containers for compressed or liquefied gas
761300,7613,Aluminium; containers for compressed or liquefied gas
7614,76,Aluminium; stranded wire, cables, plaited bands and the like, (not electrically insulated)
761410,7614,Aluminium; stranded wire, cables, plaited bands and the like, (not electrically insulated), with steel core
761490,7614,Aluminium; stranded wire, cables, plaited bands and the like, (not electrically insulated), other than steel core
7615,76,Aluminium; table, kitchen or other household articles and parts thereof, pot scourers and scouring or polishing pads, gloves and the like, sanitary ware and parts thereof
761510,7615,Aluminium; table, kitchen or other household articles and parts thereof; pot scourers and scouring or polishing pads, gloves and the like
761520,7615,Aluminium; sanitary ware and parts thereof
7616,76,Aluminium; articles n.e.c. in chapter 76
761610,7616,Aluminium; nails, tacks, staples (other than those of heading no. 8305), screws, bolts, nuts, screw hooks, rivets, cotters, cotter-pins, washers and similar articles
761691,7616,Aluminium; cloth, grill, netting and fencing, of aluminium wire
761699,7616,Aluminium; articles n.e.c. in heading 7616
78,XV,Lead and articles thereof
7801,78,Lead; unwrought
780110,7801,Lead; unwrought, refined
780191,7801,Lead; unwrought, unrefined, containing by weight antimony as the principal other element
780199,7801,Lead; unwrought, unrefined, not containing by weight antimony as the principal other element
7802,78,Lead; waste and scrap
780200,7802,Lead; waste and scrap
7804,78,Lead; plates, sheets, strip and foil, lead powders and flakes
780411,7804,Lead; sheets, strip and foil, of a thickness (excluding any backing) not exceeding 0.2mm
780419,7804,Lead; plates, sheets, strip and foil, of a thickness (excluding any backing) exceeding 0.2mm
780420,7804,Lead; powders and flakes
7806,78,Lead; articles n.e.c. in chapter 78
780600,7806,Lead; articles n.e.c. in chapter 78
79,XV,Zinc and articles thereof
7901,79,Zinc; unwrought
790111,7901,Zinc; unwrought, (not alloyed), containing by weight 99.99% or more of zinc
790112,7901,Zinc; unwrought, (not alloyed), containing by weight less than 99.99% of zinc
790120,7901,Zinc; unwrought, alloys
7902,79,Zinc; waste and scrap
790200,7902,Zinc; waste and scrap
7903,79,Zinc; dust, powders and flakes
790310,7903,Zinc dust
790390,7903,Zinc; powders and flakes
7904,79,Zinc; bars, rods, profiles and wire
790400,7904,Zinc; bars, rods, profiles and wire
7905,79,Zinc; plates, sheets, strip and foil
790500,7905,Zinc; plates, sheets, strip and foil
7907,79,Zinc; articles n.e.c. in chapter 79
790700,7907,Zinc; articles n.e.c. in chapter 79
80,XV,Tin; articles thereof
8001,80,Tin; unwrought
800110,8001,Tin; unwrought, not alloyed
800120,8001,Tin; unwrought, alloys
8002,80,Tin; waste and scrap
800200,8002,Tin; waste and scrap
8003,80,Tin; bars, rods, profiles and wire
800300,8003,Tin; bars, rods, profiles and wire
8007,80,Tin; articles n.e.c. in chapter 80
800700,8007,Tin; articles n.e.c. in chapter 80
81,XV,Metals; n.e.c., cermets and articles thereof
8101,81,Tungsten (wolfram); articles thereof, including waste and scrap
810110,8101,Tungsten (wolfram); articles thereof, including waste and scrap, powders
810194,8101,Tungsten (wolfram); unwrought, including bars and rods obtained simply by sintering
810196,8101,Tungsten (wolfram); wire
810197,8101,Tungsten (wolfram); waste and scrap
810199,8101,Tungsten (wolfram); articles n.e.c. in heading no. 8101
8102,81,Molybdenum; articles thereof, including waste and scrap
810210,8102,Molybdenum; articles thereof, including waste and scrap, powders
810294,8102,Molybdenum; unwrought, including bars and rods obtained simply by sintering
810295,8102,Molybdenum; bars and rods, other than those obtained simply by sintering, profiles, plates, sheets, strip and foil
810296,8102,Molybdenum; wire
810297,8102,Molybdenum; waste and scrap
810299,8102,Molybdenum; articles n.e.c. in heading no. 8102
8103,81,Tantalum; articles thereof, including waste and scrap
810320,8103,Tantalum; unwrought, including bars and rods obtained simply by sintering, powders
810330,8103,Tantalum; waste and scrap
810391,8103,Tantalum; crucibles
810399,8103,Tantalum; articles n.e.c. in heading no. 8103
8104,81,Magnesium; articles thereof, including waste and scrap
810411,8104,Magnesium; unwrought, containing at least 99.8% by weight of magnesium
810419,8104,Magnesium; unwrought, containing less than 99.8% by weight of magnesium
810420,8104,Magnesium; waste and scrap
810430,8104,Magnesium; raspings, turnings and granules, graded according to size, powders
810490,8104,Magnesium; articles n.e.c. in heading no. 8104
8105,81,Cobalt; mattes and other intermediate products of cobalt metallurgy, cobalt and articles thereof, including waste and scrap
810520,8105,Cobalt; mattes and other intermediate products of cobalt metallurgy, unwrought cobalt, powders
810530,8105,Cobalt; waste and scrap
810590,8105,Cobalt; articles n.e.c. in heading no. 8105
8106,81,Bismuth; articles thereof, including waste and scrap
810610,8106,Bismuth; articles thereof, including waste and scrap, containing more than 99.99% of bismuth, by weight
810690,8106,Bismuth; including articles n.e.c. in heading 8106, including waste and scrap, containing less than or equal to 99.99% of bismuth, by weight
8108,81,Titanium; articles thereof, including waste and scrap
810820,8108,Titanium; unwrought, powders
810830,8108,Titanium; waste and scrap
810890,8108,Titanium; other than unwrought, n.e.c. in heading no. 8108
8109,81,Zirconium; articles thereof, including waste and scrap
810921,8109,Zirconium; unwrought, powders, containing less than 1 part hafnium to 500 parts zirconium by weight
810929,8109,Zirconium; unwrought, powders, containing not less than 1 part hafnium to 500 parts zirconium by weight
810931,8109,Zirconium; waste and scrap, containing less than 1 part hafnium to 500 parts zirconium by weight
810939,8109,Zirconium; waste and scrap, containing not less than 1 part hafnium to 500 parts zirconium by weight
810991,8109,Zirconium; other than unwrought, n.e.c. in heading no. 8109, containing less than 1 part hafnium to 500 parts zirconium by weight
810999,8109,Zirconium; other than unwrought, n.e.c. in heading no. 8109, containing not less than 1 part hafnium to 500 parts zirconium by weight
8110,81,Antimony; articles thereof, including waste and scrap
811010,8110,Antimony and articles thereof; unwrought antimony, powders
811020,8110,Antimony; waste and scrap
811090,8110,Antimony and articles thereof; wrought, other than waste and scrap
8111,81,Manganese; articles thereof, including waste and scrap
811100,8111,Manganese; articles thereof, including waste and scrap
8112,81,Beryllium, chromium, hafnium, rhenium, thallium, cadmium, germanium, vanadium, gallium, indium and niobium (columbium), articles of these metals, including waste and scrap
811212,8112,Beryllium and articles thereof; unwrought beryllium, powders
811213,8112,Beryllium; waste and scrap
811219,8112,Beryllium and articles thereof; wrought other than waste and scrap
811221,8112,Chromium and articles thereof; unwrought chromium, powders
811222,8112,Chromium; waste and scrap
811229,8112,Chromium and articles thereof; wrought other than waste and scrap
811231,8112,Hafnium and articles thereof; unwrought, powders, waste and scrap
811239,8112,Hafnium and articles thereof; wrought, other than powders, waste and scrap
811241,8112,Rhenium and articles thereof; unwrought, powders, waste and scrap
811249,8112,Rhenium and articles thereof; wrought, other than powders, waste and scrap
811251,8112,Thallium and articles thereof; unwrought thallium, powders
811252,8112,Thallium; waste and scrap
811259,8112,Thallium and articles thereof; other than unwrought thallium, powders or waste and scrap
811261,8112,Cadmium; waste and scrap
811269,8112,Cadmium; other than waste and scrap
811292,8112,Gallium, germanium, indium, niobium (columbium) and vanadium; articles thereof, unwrought, including waste and scrap, powders
811299,8112,Gallium, germanium, indium, niobium (columbium) and vanadium; articles thereof, other than unwrought including waste and scrap and powders
8113,81,Cermets; articles thereof, including waste and scrap
811300,8113,Cermets; articles thereof, including waste and scrap
82,XV,Tools, implements, cutlery, spoons and forks, of base metal; parts thereof, of base metal
8201,82,Tools, hand; spades, shovels, mattocks, picks, hoes, forks, rakes; axes, bill hooks etc; secateurs and pruners of any kind; scythes, sickles, hay knives, hedge shears, timber wedges and other tools used in agriculture, horticulture, forestry
820110,8201,Tools, hand; spades and shovels
820130,8201,Tools, hand; mattocks, picks, hoes and rakes
820140,8201,Tools, hand; axes, bill hooks and similar hewing tools, of a kind used in agriculture, horticulture or forestry
820150,8201,Tools, hand; one-handed secateurs (including poultry shears)
820160,8201,Tools, hand; hedge shears, two-handed pruning shears and similar two-handed shears
820190,8201,Tools, hand; forks, scythes, sickles, hay knives, timber wedges, and other hand tools of a kind used in agriculture, horticulture or forestry n.e.c. in heading 8201
8202,82,Tools, hand; saws and blades for saws of all kinds (including slitting, slotting or toothless saw blades)
820210,8202,Tools, hand; hand saws
820220,8202,Tools, hand; band saw blades
820231,8202,Tools, hand; circular saw blades (including slitting or slotting saw blades), with working part of steel
820239,8202,Tools, hand; circular saw blades (including slitting or slotting saw blades), with working part of materials (other than steel)
820240,8202,Tools, hand; chain saw blades
820291,8202,Tools, hand; straight saw blades, for working metal
820299,8202,Tools, hand; saw blades n.e.c. in heading no. 8202
8203,82,Tools, hand; files, rasps, pliers (including cutting pliers), pincers, tweezers, metal cutting shears, pipe cutters, bolt croppers, perforating punches and similar
820310,8203,Tools, hand; files, rasps and similar tools
820320,8203,Tools, hand; pliers (including cutting pliers), pincers, tweezers and similar tools
820330,8203,Tools, hand; metal cutting shears and similar tools
820340,8203,Tools, hand; pipe-cutters, bolt croppers, perforating punches and similar tools
8204,82,Tools, hand; hand-operated spanners and wrenches (including torque meter wrenches but not including tap wrenches), interchangeable spanner sockets, with or without handles
820411,8204,Tools, hand; hand-operated spanners and wrenches (including torque meter wrenches but not including tap wrenches), non-adjustable
820412,8204,Tools, hand; hand-operated spanners and wrenches (including torque meter wrenches but not including tap wrenches), adjustable
820420,8204,Tools, hand; interchangeable spanner sockets, with or without handles
8205,82,Tools, hand; (including glaziers' diamonds) n.e.c.; blow lamps; vices, clamps etc, other than accessories for and parts of, machine-tools or water-jet cutting machines; anvils; portable forges; hand or pedal operated grinding wheels with frameworks
820510,8205,Tools, hand; drilling, threading or tapping tools
820520,8205,Tools, hand; hammers and sledge hammers
820530,8205,Tools, hand; planes, chisels, gauges and similar cutting tools for working wood
820540,8205,Tools, hand; screwdrivers
820551,8205,Tools, hand; household tools
820559,8205,Tools, hand; other hand tools (including glaziers diamonds), excluding household tools, drilling, threading or tapping tools, hammers and sledge hammers, planes, chisels, gouges and similar cutting tools for working wood, and screwdrivers
820560,8205,Tools, hand; blow lamps
820570,8205,Tools, hand; vices, clamps and the like
820590,8205,Tools, hand; n.e.c. in heading 8205, including anvils, portable forges, hand or pedal-operated grinding wheels with frameworks, and sets of articles of two or more of the subheadings in heading 8205
8206,82,Tools, hand; two or more of heading no. 8202 to 8205, put up in sets for retail sale
820600,8206,Tools, hand; two or more of heading no. 8202 to 8205, put up in sets for retail sale
8207,82,Tools, interchangeable; for hand tools, whether or not power-operated, or for machine tools (pressing, stamping, punching, drilling etc), including dies for drawing or extruding metal, and rock drilling or earth boring tools
820713,8207,Tools, interchangeable; rock drilling or earth boring tools, with working part of cermets, whether or not power operated
820719,8207,Tools, interchangeable; rock drilling or earth boring tools, with working part (other than of cermets), whether or not power operated, including parts
820720,8207,Tools, interchangeable; (for machine or hand tools, whether or not power-operated), dies for drawing or extruding metal
820730,8207,Tools, interchangeable; (for machine or hand tools, whether or not power-operated), tools for pressing, stamping or punching
820740,8207,Tools, interchangeable; (for machine or hand tools, whether or not power-operated), tools for tapping or threading
820750,8207,Tools, interchangeable; (for machine or hand tools, whether or not power-operated), tools for drilling (other than rock)
820760,8207,Tools, interchangeable; (for machine or hand tools, whether or not power-operated), for boring or broaching
820770,8207,Tools, interchangeable; (for machine or hand tools, whether or not power-operated), for milling
820780,8207,Tools, interchangeable; (for machine or hand tools, whether or not power-operated), for turning
820790,8207,Tools, interchangeable; (for machine or hand tools, whether or not power-operated), for screw-driving or uses n.e.c. in heading no. 8207
8208,82,Knives and cutting blades, for machines or for mechanical appliances
820810,8208,Tools; knives and cutting blades, for machines or for mechanical appliances, for metal working
820820,8208,Tools; knives and cutting blades, for wood working machines or mechanical appliances
820830,8208,Tools; knives and cutting blades, for kitchen appliances or for machines used by the food industry
820840,8208,Tools; knives and cutting blades, for agricultural, horticultural or forestry machines or mechanical appliances
820890,8208,Tools; knives and cutting blades, for machines or mechanical appliances, n.e.c. in heading no. 8208
8209,82,Tools; plates, sticks, tips and the like for tools, unmounted, of sintered metal carbides or cermets
820900,8209,Tools; plates, sticks, tips and the like for tools, unmounted, of sintered metal carbides or cermets
8210,82,Tools; hand-operated mechanical appliances, weighing 10kg or less, used in the preparation, conditioning or serving of food or drink
821000,8210,Tools; hand-operated mechanical appliances, weighing 10kg or less, used in the preparation, conditioning or serving of food or drink
8211,82,Knives; with cutting blades, serrated or not (including pruning knives), other than knives of heading no. 8208, and blades therefore
821110,8211,Knives; with cutting blades, serrated or not (including pruning knives), sets of assorted articles, excluding knives and blades of heading no. 8208
821191,8211,Knives; table knives, having fixed cutting blades, serrated or not, excluding knives and blades of heading no. 8208
821192,8211,Knives; having fixed cutting blades, (other than table knives), serrated or not, excluding knives and blades of heading no. 8208
821193,8211,Knives; with cutting blades, (having other than fixed blades), serrated or not, excluding knives and blades of heading no. 8208
821194,8211,Blades; cutting, serrated or not, excluding those of heading no. 8208
821195,8211,Knives; with handles of base metal
8212,82,Razors and razor blades; (including razor blade blanks in strips)
821210,8212,Razors
821220,8212,Razors; safety razor blades, including razor blade blanks in strips
821290,8212,Razors; parts n.e.c. in heading no. 8212
8213,82,Scissors; tailors' shears and similar shears, and blades therefore
821300,8213,Scissors; tailors' shears, similar shears and blades therefore
8214,82,Cutlery; other articles, (e.g. hair clippers, butchers' or kitchen cleavers, choppers and mincing knives, paper knives), manicure or pedicure sets and instruments (including nail files)
821410,8214,Cutlery; paper knives, letter openers, erasing knives, pencil sharpeners and blades therefore
821420,8214,Manicure or pedicure sets and instruments; (including nail files)
821490,8214,Cutlery; hair clippers and mincing knives
8215,82,Cutlery; spoons, forks, ladles, skimmers, cake-servers, fish-knives, butter knives, sugar tongs and similar kitchen or tableware
821510,8215,Cutlery; sets of assorted articles (e.g. spoons, forks, ladles, skimmers, cake-servers, fish-knives, butter-knives, sugar tongs and similar), with at least one article plated with precious metal
821520,8215,Cutlery; sets of assorted articles (e.g. spoons, forks, ladles, skimmers, cake-servers, fish-knives, butter knives, sugar tongs and similar), not plated with precious metal
821591,8215,Cutlery; (e.g. spoons, forks, ladles, skimmers, cake-servers, fish-knives, butter-knives, sugar tongs and similar), plated with precious metal, not in sets
821599,8215,Cutlery; other than plated with precious metal
83,XV,Metal; miscellaneous products of base metal
8301,83,Padlocks and locks (key, combination, electrically operated) of base metal; clasps and frames with clasps incorporating locks, of base metal, keys for any or the foregoing articles, of base metal
830110,8301,Padlocks; (key, combination or electrically operated), of base metal
830120,8301,Locks; of a kind used for motor vehicles (key, combination or electrically operated), of base metal
830130,8301,Locks; of a kind used for furniture (key, combination or electrically operated), of base metal
830140,8301,Locks; (other than those for motor vehicles or furniture), (key, combination or electrically operated), of base metal
830150,8301,Clasps and frames with clasps; incorporating locks, of base metal
830160,8301,Locks; parts of padlocks, locks, clasps and frames with clasps incorporating locks, of base metal
830170,8301,Keys; presented separately, of base metal
8302,83,Base metal mountings, fittings and similar articles for furniture, doors, staircases, windows, trunks, chests etc, castors with mountings of base metal, automatic door closers of base metal
830210,8302,Hinges; suitable for furniture, doors, staircases, windows, blinds, coachwork, saddlery, trunks, chests, caskets or the like, of base metal
830220,8302,Castors; with mountings, of base metal
830230,8302,Mountings, fittings and similar articles; for motor vehicles, of base metal
830241,8302,Mountings, fittings and similar articles; of base metal, suitable for buildings
830242,8302,Mountings, fittings and similar articles; suitable for furniture of base metal
830249,8302,Mountings, fittings and similar articles; suitable for other than buildings or furniture, of base metal
830250,8302,Hat-racks, hat-pegs, brackets and similar fixtures, of base metal
830260,8302,Automatic door closures; of base metal
8303,83,Safes; armoured or reinforced, strong-boxes, doors and safe deposit lockers for strong-rooms, cash or deed boxes and the like, of base metal
830300,8303,Safes; armoured or reinforced, strong-boxes, doors and safe deposit lockers for strong-rooms, cash or deed boxes and the like, of base metal
8304,83,Office equipment; filing cabinets, card-index cabinets, paper trays and rests, pen trays, office-stamp stands and the like, of base metal, other than office furniture of heading no. 9403
830400,8304,Office equipment; filing cabinets, card-index cabinets, paper trays, paper rests, pen trays, office-stamp stands and similar office or desk equipment, of base metal, other than office furniture of heading no. 9403
8305,83,Stationery; fittings for loose-leaf binders or files, letter clips, letter corners, paper clips, indexing tags and the like, staples in strips (for offices, upholstery, packaging), of base metal
830510,8305,Stationery; fittings for loose-leaf binders or files, of base metal
830520,8305,Stationery; staples in strips, (e.g. for offices, upholstery, packaging), of base metal
830590,8305,Stationery; letter clips, letter corners, paper clips, indexing tags and similar office articles, including parts, of base metal
8306,83,Bells, gongs and the like; non-electric, statuettes, other ornaments, photograph, picture, similar frames, mirrors, of base metal
830610,8306,Bells, gongs and the like; non-electric, of base metal
830621,8306,Statuettes and other ornaments; of base metal plated with precious metal
830629,8306,Statuettes and other ornaments; of base metal other than plated with precious metal
830630,8306,Photograph, picture or similar frames, mirrors; of base metal
8307,83,Tubing; flexible, with or without fittings, of base metal
830710,8307,Tubing; flexible, with or without fittings, of iron or steel
830790,8307,Tubing; flexible, with or without fittings of base metal, other than those of iron or steel
8308,83,Clasps, frames with clasps, buckles, buckle-clasps, hooks, eyes, eyelets etc for clothing & accessories, footwear, jewellery, wrist-watches, books, awnings, leather goods, travel goods, saddlery etc, tubular etc rivets, beads, spangles, of base metal
830810,8308,Hooks, eyes and eyelets; of base metal, of a kind used for clothing, footwear, awnings, handbags, travel goods or other made up articles
830820,8308,Rivets; tubular or bifurcated, of base metal
830890,8308,Clasps, frames with clasps, buckles, buckle clasps; of base metal, of a kind used for clothing & accessories, footwear, jewellery, wrist-watches, books, awnings, leather goods, travel goods, saddlery etc, including parts
8309,83,Stoppers, caps, lids (including crown corks, screw caps, pouring stoppers); capsules for bottles, threaded bungs, bung covers, seals and other packaging accessories, of base metal
830910,8309,Stoppers; corks, of base metal
830990,8309,Stoppers; caps and lids, of base metal
8310,83,Sign plates, name plates, address plates and similar plates, numbers, letters and other symbols, of base metal, excluding those of heading no. 9405
831000,8310,Sign plates, name-plates, address-plates and similar plates, numbers, letters and other symbols; of base metal, excluding those of heading no. 9405
8311,83,Wires, rods, tubes, plates, electrodes of base metal or metal carbides; of a kind used for soldering, brazing, welding; wires and rods for metal spraying
831110,8311,Electrodes; coated, of base metal, for electric arc-welding
831120,8311,Wire; cored, of base metal, for electric arc-welding
831130,8311,Rods and wire; coated rods and cored wire, of base metal, for soldering, brazing or welding by flame
831190,8311,Wires, rods, tubes, plates, electrodes of base metal or metal carbides; of a kind used for soldering, brazing, welding; wires and rods for metal spraying; n.e.c. in item no. 8311
84,XVI,Machinery and mechanical appliances, boilers, nuclear reactors; parts thereof
8401,84,Nuclear reactors; fuel elements (cartridges), non-irradiated, for nuclear reactors, machinery and apparatus for isotopic separation
840110,8401,Nuclear reactors
840120,8401,Machinery and apparatus; for isotopic separation, and parts thereof
840130,8401,Fuel elements (cartridges); non-irradiated
840140,8401,Nuclear reactors; parts thereof
8402,84,Boilers; steam or other vapour generating (other than central heating hot water boilers, capable also of producing low pressure steam), super heated water boilers
840211,8402,Boilers; watertube boilers with a steam production exceeding 45t per hour
840212,8402,Boilers; watertube boilers with a steam production not exceeding 45t per hour
840219,8402,Boilers; vapour generating boilers, including hybrid boilers n.e.c. in heading no. 8402
840220,8402,Boilers; super-heated water boilers
840290,8402,Boilers; parts of steam or other vapour generating boilers
8403,84,Central heating boilers; excluding those of heading no. 8402
840310,8403,Boilers; central heating boilers (excluding those of heading no. 8402)
840390,8403,Boilers; parts of central heating boilers (excluding those of heading no. 8402)
8404,84,Auxiliary plant for use with boilers of heading no. 8402 or 8403; e.g. economisers, super-heaters, soot removers, gas recoverers), condensers for steam or other vapour power units
840410,8404,Boilers; auxiliary plant, for use with boilers of heading no. 8402 or 8403 (e.g. economisers, super-heaters, soot removers, gas recoverers)
840420,8404,Boilers; condensers, for steam or other vapour power units
840490,8404,Boilers; parts of auxiliary plant, for use with boilers of heading no. 8402 and 8403 and parts of condensers for steam or other vapour power units
8405,84,Generators for producer or water gas with or without their purifiers acetylene gas generators and similar water process gas generators, with or without their purifiers
840510,8405,Generators; producer gas, water gas, acetylene gas and similar water process gas generators, with or without their purifiers
840590,8405,Generators; parts of producer gas, water gas, acetylene gas and similar water process gas generators, with or without their purifiers
8406,84,Turbines; steam and other vapour turbines
840610,8406,Turbines; steam and other vapour turbines, for marine propulsion
840681,8406,Turbines; steam and other vapour turbines, (for other than marine propulsion), of an output exceeding 40MW
840682,8406,Turbines; steam and other vapour turbines, (for other than marine propulsion), of an output not exceeding 40MW
840690,8406,Turbines; parts of steam and other vapour turbines
8407,84,Reciprocating or rotary internal combustion piston engines
840710,8407,Engines; for aircraft, spark-ignition reciprocating or rotary internal combustion piston engines
840721,8407,Engines; outboard motors for marine propulsion, spark-ignition reciprocating or rotary internal combustion piston engines
840729,8407,Engines; for marine propulsion, (other than outboard motors), spark-ignition reciprocating or rotary internal combustion piston engines
840731,8407,Engines; reciprocating piston engines, of a kind used for the propulsion of vehicles of chapter 87, of a cylinder capacity not exceeding 50cc
840732,8407,Engines; reciprocating piston engines, of a kind used for the propulsion of vehicles of chapter 87, of a cylinder capacity exceeding 50cc but not exceeding 250cc
840733,8407,Engines; reciprocating piston engines, of a kind used for the propulsion of vehicles of chapter 87, of a cylinder capacity exceeding 250cc but not exceeding 1000cc
840734,8407,Engines; reciprocating piston engines, of a kind used for the propulsion of vehicles of chapter 87, of a cylinder capacity exceeding 1000cc
840790,8407,Engines; rotary internal combustion piston engines, for other than aircraft or marine propulsion
8408,84,Compression-ignition internal combustion piston engines (diesel or semi-diesel engines)
840810,8408,Engines; for marine propulsion, compression-ignition internal combustion piston engines (diesel or semi-diesel engines)
840820,8408,Engines; compression-ignition internal combustion piston engines (diesel or semi-diesel engines), of a kind used for the propulsion of vehicles of chapter 87
840890,8408,Engines; compression-ignition internal combustion piston engines (diesel or semi-diesel engines), of a kind used for other than marine propulsion or the vehicles of chapter 87
8409,84,Parts suitable for use solely or principally with the engines of heading no. 8407 or 8408
840910,8409,Engines; parts of aircraft engines (spark-ignition reciprocating or rotary internal combustion piston engines)
840991,8409,Engines; parts, suitable for use solely or principally with spark-ignition internal combustion piston engines (for other than aircraft)
840999,8409,Engines; parts for internal combustion piston engines (excluding spark-ignition)
8410,84,Turbines; hydraulic water wheels and regulators therefor
841011,8410,Turbines; hydraulic turbines and water wheels, of a power not exceeding 1000kW
841012,8410,Turbines; hydraulic turbines and water wheels, of a power exceeding 1000kW but not exceeding 10000kW
841013,8410,Turbines; hydraulic turbines and water wheels, of a power exceeding 10000kW
841090,8410,Turbines; parts of hydraulic turbines and water wheels, including regulators
8411,84,Turbo-jets, turbo-propellers and other gas turbines
841111,8411,Turbo-jets; of a thrust not exceeding 25kN
841112,8411,Turbo-jets; of a thrust exceeding 25kN
841121,8411,Turbo-propellers; of a power not exceeding 1100kW
841122,8411,Turbo-propellers; of a power exceeding 1100kW
841181,8411,Turbines; gas-turbines (excluding turbo-jets and turbo-propellers), of a power not exceeding 5000kW
841182,8411,Turbines; gas-turbines (excluding turbo-jets and turbo-propellers), of a power exceeding 5000kW
841191,8411,Turbines; parts of turbo-jets and turbo-propellers
841199,8411,Turbines; parts of gas turbines (excluding turbo-jets and turbo-propellers)
8412,84,Engines and motors; n.e.c. (e.g. reaction engines, hydraulic power engines, pneumatic power engines)
841210,8412,Engines; reaction engines, other than turbo-jets
841221,8412,Engines; hydraulic power engines and motors, linear acting (cylinders)
841229,8412,Engines; hydraulic power engines and motors, other than linear acting (cylinders)
841231,8412,Engines; pneumatic power engines and motors, linear acting (cylinders)
841239,8412,Engines; pneumatic power engines and motors, other than linear acting (cylinders)
841280,8412,Engines; pneumatic power engines and motors, n.e.c. in heading no. 8412
841290,8412,Engines; parts, for engines and motors of heading no. 8412
8413,84,Pumps; for liquids, whether or not fitted with measuring device, liquid elevators
841311,8413,Pumps; fitted or designed to be fitted with a measuring device, for dispensing fuel or lubricants, of the type used in filling-stations or in garages
841319,8413,Pumps; for liquids, fitted or designed to be fitted with a measuring device, other than pumps for dispensing fuel or lubricants
841320,8413,Pumps; hand, fitted or designed to be fitted with a measuring device, for liquids, other than those of item no. 8413.11 or 8413.19
841330,8413,Pumps; fuel, lubricating or cooling medium pumps for internal combustion piston engines
841340,8413,Pumps; concrete pumps
841350,8413,Pumps; reciprocating positive displacement pumps, n.e.c. in heading no. 8413, for liquids
841360,8413,Pumps; rotary positive displacement pumps, n.e.c. in heading no. 8413, for liquids
841370,8413,Pumps; centrifugal, n.e.c. in heading no. 8413, for liquids
841381,8413,Pumps and liquid elevators; n.e.c. in heading no. 8413
841382,8413,Liquid elevators
841391,8413,Pumps; parts thereof
841392,8413,Liquid elevators; parts thereof
8414,84,Air or vacuum pumps, air or other gas compressors and fans; ventilating or recycling hoods incorporating a fan; gas-tight biological safety cabinets whether or not fitted with filters
841410,8414,Pumps; vacuum
841420,8414,Pumps; hand or foot-operated air pumps
841430,8414,Compressors; of a kind used in refrigerating equipment
841440,8414,Compressors; air compressors mounted on a wheeled chassis for towing
841451,8414,Fans; table, floor, wall, window, ceiling or roof fans, with a self-contained electric motor of an output not exceeding 125W
841459,8414,Fans; n.e.c. in item no. 8414.51
841460,8414,Hoods; ventilating or recycling hoods incorporating a fan, whether or not fitted with filters, having a maximum horizontal side not exceeding 120cm
841470,8414,Gas-tight biological safety cabinets; whether or not fitted with filters, having a maximum horizontal side not exceeding 120cm
841480,8414,Pumps and compressors; for air, vacuum or gas, n.e.c. in heading no. 8414
841490,8414,Pumps and compressors; parts, of air or vacuum pumps, air or other gas compressors and fans, ventilating or recycling hoods incorporating a fan
8415,84,Air conditioning machines; comprising a motor driven fan and elements for changing the temperature and humidity, including those machines in which the humidity cannot be separately regulated
841510,8415,Air conditioning machines; comprising a motor-driven fan and elements for changing the temperature and humidity, of a kind designed to be fixed to a window, wall, ceiling or floor, self-contained or split-system
841520,8415,Air conditioning machines; comprising a motor driven fan and elements for changing the temperature and humidity, of a kind used for persons, in motor vehicles
841581,8415,Air conditioning machines; containing a motor driven fan, other than window or wall types, incorporating a refrigerating unit and a valve for reversal of the cooling/heat cycle (reversible heat pumps)
841582,8415,Air conditioning machines; containing a motor driven fan, other than window or wall types, incorporating a refrigerating unit
841583,8415,Air conditioning machines; containing a motor driven fan, other than window or wall types, not incorporating a refrigerating unit
841590,8415,Air conditioning machines; with motor driven fan and elements for temperature control, parts thereof
8416,84,Furnace burners for liquid fuel, for pulverised solid fuel or for gas; mechanical grates, mechanical ash dischargers and similar appliances
841610,8416,Furnaces; furnace burners, for liquid fuel
841620,8416,Furnaces; furnace burners, for pulverized solid fuel or gas, including combination burners
841630,8416,Furnace accessories; mechanical stokers, mechanical grates, mechanical ash dischargers and similar appliances
841690,8416,Furnaces; parts of furnace burners, for liquid fuel, pulverized solid fuel or gas, mechanical stokers, grates, ash dischargers and the like
8417,84,Furnaces and ovens; industrial or laboratory, including incinerators, non-electric
841710,8417,Furnaces and ovens; non-electric, for the roasting, melting or other heat-treatment of ores, pyrites or of metals, for industrial or laboratory use
841720,8417,Ovens; non-electric, bakery ovens, including biscuit ovens
841780,8417,Furnaces and ovens; including incinerators, non-electric, for industrial or laboratory use, n.e.c. in heading no. 8417
841790,8417,Furnaces and ovens; parts of non-electric furnaces and ovens (including incinerators), of industrial or laboratory use
8418,84,Refrigerators, freezers and other refrigerating or freezing equipment, electric or other; heat pumps other than air conditioning machines of heading no. 8415
841810,8418,Refrigerators and freezers; combined refrigerator-freezers, fitted with separate external doors, electric or other
841821,8418,Refrigerators; for household use, compression-type, electric or other
841829,8418,Refrigerators; household, electric or not, other than compression-type
841830,8418,Freezers; of the chest type, not exceeding 800l capacity
841840,8418,Freezers; of the upright type, not exceeding 900l capacity
841850,8418,Furniture incorporating refrigerating or freezing equipment; for storage and display, n.e.c. in item no. 8418.1, 8418.2, 8418.3 or 8418.4 (chests, cabinets, display counters, show-cases and the like)
841861,8418,Heat pumps; other than air conditioning machines of heading no. 8415
841869,8418,Refrigerating or freezing equipment; n.e.c. in heading no. 8418
841891,8418,Refrigerating or freezing equipment; parts, furniture designed to receive refrigerating or freezing equipment
841899,8418,Refrigerating or freezing equipment; parts thereof, other than furniture
8419,84,Machinery, plant (not domestic), or laboratory equipment; electrically heated or not, (excluding items in 85.14) for the treatment of materials by a process involving change of temperature; including instantaneous or non electric storage water heaters
841911,8419,Heaters; instantaneous gas water heaters, for domestic or other purposes
841912,8419,Heaters; solar water heaters, non-electric
841919,8419,Heaters; instantaneous or storage water heaters, non-electric, (other than instantaneous gas or solar water heaters)
841920,8419,Sterilizers; for medical, surgical or laboratory use, not used for domestic purposes
841933,8419,Dryers; lyophilisation apparatus, freeze drying units and spray dryers, not used for domestic purposes
841934,8419,Dryers; for agricultural products, not used for domestic purposes
841935,8419,Dryers; for wood, paper pulp, paper or paperboard, not used for domestic purposes
841939,8419,Dryers; for products n.e.c. in heading no. 8419, not used for domestic purposes
841940,8419,Distilling or rectifying plant; not used for domestic purposes
841950,8419,Heat exchange units; not used for domestic purposes
841960,8419,Machinery; for liquefying air or gas, not used for domestic purposes
841981,8419,Machinery, plant and equipment; for making hot drinks, for cooking or heating food
841989,8419,Machinery, plant and laboratory equipment; for treating materials by change of temperature, other than for making hot drinks or cooking or heating food
841990,8419,Machinery, plant and laboratory equipment; parts of equipment for treating materials by a process involving a change of temperature
8420,84,Machines; calendering or other rolling machines, for other than metal or glass and cylinders therefor
842010,8420,Machines; calendering or other rolling machines, for other than metal or glass
842091,8420,Machines; parts, cylinders for calendering or other rolling machines, for other than metal or glass
842099,8420,Machines; parts, (other than cylinders), for calendering or other rolling machines, for other than metal or glass
8421,84,Centrifuges, including centrifugal dryers; filtering or purifying machinery and apparatus for liquids or gases
842111,8421,Centrifuges; cream separators
842112,8421,Centrifuges; clothes-dryers
842119,8421,Centrifuges; n.e.c. in heading no. 8421, including centrifugal dryers (but not clothes-dryers)
842121,8421,Machinery; for filtering or purifying water
842122,8421,Machinery; for filtering or purifying beverages other than water
842123,8421,Machinery; filtering or purifying machinery, oil or petrol filters for internal combustion engines
842129,8421,Machinery; for filtering or purifying liquids, n.e.c. in item no. 8421.2
842131,8421,Machinery; intake air filters for internal combustion engines
842132,8421,Machinery; catalytic converters or particulate filters, whether or not combined, for purifying or filtering exhaust gases from internal combustion engines
842139,8421,Machinery; for filtering or purifying gases, other than intake air filters, catalytic converters or particulate filters for internal combustion engines
842191,8421,Centrifuges; parts thereof, including parts for centrifugal dryers
842199,8421,Machinery; parts for filtering or purifying liquids or gases
8422,84,Dish washing machines; machinery for cleaning, drying, filling, closing, sealing, capsuling or labelling bottles, cans, boxes, bags, etc, machinery for aerating beverages
842211,8422,Dish washing machines; of the household type
842219,8422,Dish washing machines; of other than household type
842220,8422,Machinery; for cleaning or drying bottles or other containers
842230,8422,Machinery; for filling, closing, sealing, capsuling or labelling bottles, cans, bags or other containers, machinery for aerating beverages
842240,8422,Machinery; for packing or wrapping
842290,8422,Machinery; parts of machinery of heading no. 8422
8423,84,Weighing machines; excluding balances of a sensitivity of 5cg or better, including weight operated counting or checking machines and weights of all kinds
842310,8423,Weighing machines; personal (including baby scales) and household scales
842320,8423,Weighing machines; scales for continuous weighing of goods on conveyors
842330,8423,Weighing machines; constant weight scales and scales for discharging a predetermined weight of material into a bag or container, including hopper scales
842381,8423,Weighing machines; other than personal, conveyor or constant weight scales, having a maximum weighing capacity not exceeding 30kg (excluding balances of a sensitivity of 5cg or better)
842382,8423,Weighing machines; other than personal, conveyor or constant weight scales, having a maximum weighing capacity exceeding 30kg but not exceeding 5000kg
842389,8423,Weighing machines; other than personal, conveyor or constant weight scales, having a maximum weighing capacity exceeding 5000kg
842390,8423,Weighing machines; weights of all kinds, parts of weighing machinery
8424,84,Mechanical appliances for projecting, dispersing or spraying liquids or powders; fire extinguishers, spray guns, steam, sand blasting machines
842410,8424,Fire extinguishers; whether or not charged
842420,8424,Spray guns and similar appliances
842430,8424,Mechanical appliances; steam or sand blasting machines and similar jet projecting machines
842441,8424,Mechanical appliances; agricultural or horticultural sprayers; portable sprayers
842449,8424,Mechanical appliances; agricultural or horticultural sprayers; other than portable sprayers
842482,8424,Mechanical appliances; agricultural or horticultural, n.e.c. in heading 8424
842489,8424,Mechanical appliances; for projecting, dispersing or spraying liquids or powders, for other than agricultural or horticultural use, whether or not hand-operated
842490,8424,Mechanical appliances; parts of machines projecting, dispersing or spraying liquids or powders, whether or not hand-operated
8425,84,Pulley tackle and hoists other than skip hoists; winches and capstans; jacks
842511,8425,Pulley tackle and hoists; powered by an electric motor (excluding skip hoists or hoists of a kind used for raising vehicles)
842519,8425,Pulley tackle and hoists; not powered by an electric motor (excluding skip hoists or hoists of a kind used for raising vehicles)
842531,8425,Winches; capstans; powered by an electric motor
842539,8425,Winches; capstans; not powered by an electric motor
842541,8425,Jacks; built-in jacking systems of a type used in garages, for raising vehicles
842542,8425,Jacks and hoists; hydraulic, of a kind used for raising vehicles
842549,8425,Jacks and hoists; (other than hydraulic), of a kind used for raising vehicles
8426,84,Derricks, cranes, including cable cranes, mobile lifting frames, straddle carriers and works trucks fitted with a crane
842611,8426,Cranes; overhead travelling cranes on fixed support
842612,8426,Cranes; mobile lifting frames on tyres and straddle carriers
842619,8426,Cranes; transporter, gantry and bridge cranes
842620,8426,Cranes; tower cranes
842630,8426,Cranes; portal or pedestal jib cranes
842641,8426,Cranes; self-propelled derricks and cranes, on tyres, n.e.c. in heading no. 8426
842649,8426,Cranes; self-propelled derricks and cranes, not on tyres, n.e.c. in heading no. 8426
842691,8426,Cranes and derricks; designed for mounting on road vehicles
842699,8426,Cranes and derricks; for other than mounting on road vehicles, n.e.c. in heading no. 8426
8427,84,Fork-lift and other works trucks; fitted with lifting or handling equipment
842710,8427,Fork-lift and other works trucks; fitted with lifting or handling equipment, self-propelled by electric motor
842720,8427,Fork-lift and other works trucks; fitted with lifting or handling equipment, self-propelled by other than electric motor
842790,8427,Fork-lift and other works trucks; fitted with lifting or handling equipment, not self-propelled
8428,84,Lifting, handling, loading or unloading machinery; n.e.c. in heading no. 8425, 8426 or 8427 (e.g. lifts, escalators, conveyors, teleferics)
842810,8428,Lifts and skip hoists
842820,8428,Elevators and conveyors; pneumatic
842831,8428,Elevators and conveyors; continuous-action, for goods and materials, specially designed for underground use, n.e.c. in item no. 8428.20
842832,8428,Elevators and conveyors; continuous-action, for goods or materials, bucket type, n.e.c. in item no. 8428.20 or 8428.31
842833,8428,Elevators and conveyors; continuous-action, for goods or materials, belt type, n.e.c. in item no. 8428.20 or 8428.31
842839,8428,Elevators and conveyors; continuous-action, for goods or materials, n.e.c. in item no. 8428.20, 8428.31, 8428.32 or 8428.33
842840,8428,Escalators and moving walkways
842860,8428,Teleferics, chair-lifts, ski-draglines, traction mechanisms for funiculars
842870,8428,Industrial robots
842890,8428,Lifting, handling, loading or unloading machinery; n.e.c. in heading no. 8425, 8426, 8427 or 8428
8429,84,Bulldozers, graders, levellers, scrapers, angledozers, mechanical shovels, excavators, shovel loaders, tamping machines and road rollers, self-propelled
842911,8429,Bulldozers and angledozers; self-propelled, track laying
842919,8429,Bulldozers and angledozers; self-propelled, other than track laying
842920,8429,Graders and levellers
842930,8429,Scrapers; self-propelled
842940,8429,Tamping machines and road rollers; self-propelled
842951,8429,Front-end shovel loaders
842952,8429,Mechanical shovels, excavators and shovel loaders; with a 360 degree revolving super structure
842959,8429,Mechanical shovels, excavators and shovel loaders; n.e.c. in item no. 8429.50
8430,84,Moving, grading, levelling, scraping, excavating, tamping, compacting, extracting or boring machinery, for earth, minerals, or ores; pile drivers and extractors; snow ploughs and snow blowers
843010,8430,Pile-drivers and pile-extractors
843020,8430,Snow-ploughs and snow-blowers
843031,8430,Coal or rock cutters and tunnelling machinery; self-propelled
843039,8430,Coal or rock cutters and tunnelling machinery; not self-propelled
843041,8430,Boring or sinking machinery; self-propelled, n.e.c. in heading no. 8430
843049,8430,Boring and sinking machinery; not self-propelled
843050,8430,Machinery; for handling earth, minerals or ores, self-propelled, n.e.c. in heading no. 8430
843061,8430,Machinery; for tamping or compacting, not self-propelled
843069,8430,Machinery; for moving, levelling, scraping, grading, excavating earth minerals or ores; not self propelled n.e.c in 84.30
8431,84,Machinery parts; used solely or principally with the machinery of heading no. 8425 to 8430
843110,8431,Machinery; parts of the machinery of heading no. 8425
843120,8431,Machinery; parts of the machinery of heading no. 8427
843131,8431,Lifts, skip hoists or escalators; parts thereof
843139,8431,Machinery; parts of the machinery of heading no. 8428, (other than lifts, skip hoists or escalators)
843141,8431,Machinery parts; buckets, shovels, grabs and grips, for the machinery of heading no. 8426 and 8430
843142,8431,Machinery parts; bulldozer or angledozer blades
843143,8431,Boring or sinking machinery; parts for boring or sinking machinery of subheading 8430.41 or 8430.49
843149,8431,Machinery; parts of machines handling earth, minerals or ores and n.e.c. in heading no. 8431
8432,84,Agricultural, horticultural or forestry machinery for soil preparation or cultivation; lawn or sports-ground rollers
843210,8432,Ploughs; for soil preparation
843221,8432,Harrows; disc harrows
843229,8432,Harrows; (excluding disc), scarifiers, cultivators, weeders and hoes
843231,8432,Seeders, planters and transplanters; no-till direct seeders, planters and transplanters
843239,8432,Seeders, planters and transplanters; other than no-till direct seeders, planters and transplanters
843241,8432,Spreaders and distributors; for manure and fertilizers, for agricultural, horticultural or forestry use; manure spreaders
843242,8432,Spreaders and distributors; for manure and fertilizers, for agricultural, horticultural or forestry use; fertiliser distributors
843280,8432,Rollers; for lawns or sports-grounds
843290,8432,Machinery; parts of machinery for soil preparation or cultivation or for rollers for lawns or sports-grounds
8433,84,Harvesting and threshing machinery, straw and fodder balers, grass or hay mowers; machines for cleaning, sorting or grading eggs, fruit or other agricultural produce, other than machinery of heading no 8437
843311,8433,Mowers; lawn, parks or sports-grounds, powered, with the cutting device rotating in a horizontal plane
843319,8433,Mowers; for lawns, parks or sports-grounds, other than with the cutting device rotating in a horizontal plane
843320,8433,Mowers; n.e.c. in item no. 8433.1 (including cutter bars for tractor mounting)
843330,8433,Haymaking machinery
843340,8433,Balers; straw or fodder balers, including pick-up balers
843351,8433,Combine harvester-threshers
843352,8433,Threshing machinery; other than combine harvester-threshers
843353,8433,Harvesting machinery; for roots or tubers
843359,8433,Harvesting machinery; n.e.c. in heading no. 8433
843360,8433,Machines; for cleaning, sorting or grading eggs, fruit or other agricultural produce
843390,8433,Harvesting machinery; parts, including parts of threshing machinery, straw or fodder balers and grass or hay mowers
8434,84,Milking machines and dairy machinery
843410,8434,Milking machines
843420,8434,Dairy machinery
843490,8434,Milking machines and dairy machinery; parts thereof
8435,84,Presses, crushers and similar machinery; used in the manufacture of wine, cider, fruit juices or similar beverages
843510,8435,Presses, crushers and similar machinery; used in the manufacture of wine, cider, fruit juices or similar beverages
843590,8435,Presses, crushers and similar machinery; parts, used in the manufacture of wine, cider, fruit juices or similar beverages
8436,84,Agricultural, horticultural, forestry, poultry-keeping, bee-keeping machinery; including germination plant fitted with mechanical or thermal equipment; poultry incubators and brooders
843610,8436,Machinery; for preparing animal feeding stuffs
843621,8436,Poultry incubators and brooders
843629,8436,Poultry-keeping machinery; other than incubators and brooders
843680,8436,Machinery; for agricultural, horticultural or forestry use and n.e.c. in heading no. 8436
843691,8436,Machinery; parts of poultry-keeping machinery or poultry incubators and brooders
843699,8436,Machinery; parts of that machinery for agricultural, horticultural or forestry use n.e.c. in heading no. 8436
8437,84,Machines for cleaning, sorting, grading seed, grain, dried leguminous vegetables; machinery used in the milling industry for the working of cereals or dried leguminous vegetables, not farm type machinery
843710,8437,Machines; for cleaning, sorting or grading seed, grain or dried leguminous vegetables
843780,8437,Machinery; for use in the milling industry or for the working of cereals or dried leguminous vegetables, other than farm-type machinery
843790,8437,Machines; parts of those for cleaning, sorting or grading seed, grain or dried leguminous vegetables or for milling or working cereals or dried leguminous vegetables (not farm-type machinery)
8438,84,Machinery n.e.c. in this chapter, for the industrial preparation or manufacture of food or drink; other than machinery for extraction or preparation of animal or fixed vegetable or microbial fats or oils
843810,8438,Machinery; industrial, for bakery and for the manufacture of macaroni, spaghetti or similar products
843820,8438,Machinery; industrial, for the manufacture of confectionery, cocoa or chocolate
843830,8438,Machinery; industrial, for sugar manufacture
843840,8438,Machinery; industrial, brewery machinery
843850,8438,Machinery; industrial, for the preparation of meat or poultry
843860,8438,Machinery; industrial, for the preparation of fruits, nuts or vegetables
843880,8438,Machinery; used in the industrial preparation or manufacture of food or drink, n.e.c. in heading no. 8438
843890,8438,Machinery; parts of those machines used in the industrial preparation or manufacture of food or drink
8439,84,Machinery; for making pulp of fibrous cellulosic material, or for making or finishing paper or paperboard
843910,8439,Machinery; for making pulp of fibrous cellulosic material
843920,8439,Machinery; for making paper or paperboard
843930,8439,Machinery; for finishing paper or paperboard
843991,8439,Machinery; parts of machinery for making pulp of fibrous cellulosic material
843999,8439,Machinery; parts of machinery for making or finishing paper or paperboard
8440,84,Book-binding machinery; including book-sewing machines
844010,8440,Book-binding machinery; including book-sewing machines
844090,8440,Book-binding machinery; including book-sewing machines, parts thereof
8441,84,Machines; for making up paper pulp, paper or paperboard, including cutting machines of all kinds
844110,8441,Machines; cutting, of all kinds, for making up paper pulp, paper or paperboard
844120,8441,Machines; for making bags, sacks or envelopes of paper pulp, paper or paperboard
844130,8441,Machines; for making cartons, boxes, cases, tubes, drums or similar containers (other than by moulding), of paper pulp, paper or paperboard
844140,8441,Machines; for moulding articles, in paper pulp, paper or paperboard
844180,8441,Machinery; n.e.c. in heading no. 8441, for making up paper pulp, paper or paperboard
844190,8441,Machinery; parts of machinery for making up paper pulp, paper or paperboard, including cutting machines of all kinds
8442,84,Machinery, apparatus and equipment (excluding machines of headings 8456 to 8465) for preparing or making printing components; plates, cylinders and other printing components; lithographic stones prepared for printing purposes
844230,8442,Machinery, apparatus and equipment (excluding machines of heading no. 8456 to 8465) for preparing or making printing components
844240,8442,Machinery, apparatus and equipment (excluding machines of heading no. 8456 to 8465) for preparing or making printing components; parts thereof
844250,8442,Plates, cylinders and other printing components; lithographic stones prepared for printing purposes (for example, planed, grained or polished)
8443,84,Printing machinery; used for printing by means of plates, cylinders and other printing components of heading 84.42; other printers, copying machines and facsimile machines, whether or not combined; parts and accessories thereof
844311,8443,Printing machinery; offset, reel-fed
844312,8443,Printing machinery; offset, sheet-fed, office type (sheet size not exceeding 22 x 36cm in the unfolded state)
844313,8443,Printing machinery; offset, n.e.c. in item no. 8443.1
844314,8443,Printing machinery; letterpress, reel-fed, excluding flexographic printing
844315,8443,Printing machinery; letterpress, other than reel-fed, excluding flexographic printing
844316,8443,Printing machinery; flexographic
844317,8443,Printing machinery; gravure
844319,8443,Printing machinery; used for printing by means of plates, cylinders and other printing components of heading 84.42, n.e.c. in item no. 8443.1
844331,8443,Printing, copying, and facsimile machines; machines which perform two or more of the functions of printing, copying or facsimile transmission, capable of connecting to an automatic data processing machine or to a network
844332,8443,Printing, copying, and facsimile machines; single-function printing, copying or facsimile machines, capable of connecting to an automatic data processing machine or to a network
844339,8443,Printing, copying, and facsimile machines; single-function printing, copying or facsimile machines, not capable of connecting to an automatic data processing machine or to a network
844391,8443,Printing machinery used for printing by means of plates, cylinders and other printing components of heading 8442; parts and accessories
844399,8443,Printing machinery; parts and accessories, n.e.c. in item no. 8443.91
8444,84,Textile machinery; for extruding, drawing, texturing or cutting man-made textile materials
844400,8444,Textile machinery; for extruding, drawing, texturing or cutting man-made textile materials
8445,84,Textile machinery; spinning, doubling, twisting machines, textile reeling or winding machines and machines for preparing textile yarns for use on machines of heading no. 8446 and 8447
844511,8445,Textile machinery; carding machines for preparing textile fibres
844512,8445,Textile machinery; combing machines for preparing textile fibres
844513,8445,Textile machinery; drawing or roving machines for preparing textile fibres
844519,8445,Textile machinery; n.e.c. in heading no. 8445, for preparing textile fibres
844520,8445,Textile machinery; spinning machines
844530,8445,Textile machinery; doubling or twisting machines
844540,8445,Textile machinery; winding (including weft-winding) or reeling machines
844590,8445,Textile machinery; involved in textile fibre or textile yarn preparation and n.e.c. in heading no. 8445
8446,84,Weaving machines (looms)
844610,8446,Weaving machines (looms); for weaving fabrics of a width 30cm or less
844621,8446,Weaving machines (looms); for weaving fabrics of a width exceeding 30cm, shuttle type, power looms
844629,8446,Weaving machines (looms); for weaving fabrics of a width exceeding 30cm, shuttle type, other than power looms
844630,8446,Weaving machines (looms); for weaving fabrics of a width exceeding 30cm, shuttleless type
8447,84,Knitting machines, stitch-bonding machines and machines for making gimped yarn, tulle, lace, embroidery, trimmings, braid or net and machines for tufting
844711,8447,Knitting machines; circular, with cylinder diameter not exceeding 165mm
844712,8447,Knitting machines; circular, with cylinder diameter exceeding 165mm
844720,8447,Knitting machines; flat, stitch-bonding machines
844790,8447,Machines; for making gimped yarn, tulle, lace, embroidery, trimmings, braid or net and machines for tufting
8448,84,Machinery, auxiliary; for use with machines of heading no. 8444 to 8447 (e.g. dobbies, jacquards, automatic stop motions, shuttle changing mechanisms) parts, accessories for machines of heading no. 8444, 8447
844811,8448,Machinery, auxiliary; dobbies and jacquards, card reducing, copying, punching or assembling machines for use therewith
844819,8448,Machinery, auxiliary; for machines of heading no. 8444, 8445, 8446 or 8447, n.e.c. in item no. 8448.11
844820,8448,Machines; parts and accessories of machines or auxiliary machinery of heading no. 8444
844831,8448,Machines, card clothing; parts and accessories
844832,8448,Machines; parts and accessories of machines or auxiliary machinery for preparing textile fibres, other than card clothing
844833,8448,Machines; parts and accessories of machines or auxiliary machinery, spindles, spindle flyers, spinning rings and ring travellers
844839,8448,Machines; parts and accessories of machines or auxiliary machinery of heading no. 8445, n.e.c. in item no. 8448.3
844842,8448,Weaving machines (looms); parts including their auxiliary machinery, and accessories thereof, reeds for looms, healds and heald-frames
844849,8448,Weaving machines (looms); parts including their auxiliary machinery, and accessories thereof n.e.c. in item no. 8448.4
844851,8448,Machines; parts and accessories of machines of heading no. 8447 or auxiliary machinery, sinkers, needles and other articles used in forming stitches
844859,8448,Machines; parts and accessories of machines or auxiliary machinery of heading no. 8447, other than sinkers, needles and other articles used in forming stitches
8449,84,Machinery; for manufacture or finishing felt or non-wovens in the piece or in shapes, including machinery for making felt hats, blocks for making hats
844900,8449,Machinery; for manufacture or finishing felt or non-wovens in the piece or in shapes, including machinery for making felt hats, blocks for making hats
8450,84,Household or laundry-type washing machines; including machines which both wash and dry
845011,8450,Washing machines; household or laundry-type, fully-automatic, (of a dry linen capacity not exceeding 10kg)
845012,8450,Washing machines; household or laundry-type, with built-in centrifugal drier, (not fully-automatic), of a dry linen capacity not exceeding 10kg
845019,8450,Washing machines; household or laundry-type, not fully-automatic, without built-in centrifugal drier, of a dry linen capacity not exceeding 10kg
845020,8450,Washing machines; household or laundry-type, of a dry linen capacity exceeding 10kg
845090,8450,Washing machines; parts for household or laundry-type
8451,84,Machinery (not of heading no. 8450) for washing, cleaning, wringing, drying, ironing, pressing, bleaching, dyeing, dressing, finishing, coating or impregnating textile yarn, fabrics or made up articles
845110,8451,Dry-cleaning machines
845121,8451,Drying machines; of a dry linen capacity not exceeding 10kg
845129,8451,Drying machines; of a dry linen capacity exceeding 10kg
845130,8451,Ironing machines and presses (including fusing presses)
845140,8451,Machines; for washing, bleaching or dyeing
845150,8451,Machines; for reeling, unreeling, folding, cutting or pinking textile fabrics
845180,8451,Machinery; for wringing, dressing, finishing, coating or impregnating textile yarns, fabrics or made up textile articles; for applying paste to base fabric used in manufacture of floor coverings
845190,8451,Machinery; parts, of the machinery of heading no. 8451
8452,84,Sewing machines; other than book-sewing machines of heading no. 8440; furniture, bases and covers specially designed for sewing machines; sewing machine needles
845210,8452,Sewing machines; of the household type
845221,8452,Sewing machines; (not household type), automatic units
845229,8452,Sewing machines; not household or automatic unit type
845230,8452,Sewing machine needles
845290,8452,Sewing machines; furniture, bases and covers for sewing machines and parts thereof, and other parts of sewing machines
8453,84,Machinery for preparing, tanning or working hides, skins or leather or for making or repairing footwear or other articles of hides, skins or leather, other than sewing machines
845310,8453,Machinery; for preparing, tanning or working hides, skins or leather, other than sewing machines
845320,8453,Machinery; for making or repairing footwear, other than sewing machines
845380,8453,Machinery; for making or repairing articles of hides, skins or leather, other than sewing machines
845390,8453,Machinery; parts of those for preparing, tanning or working hides, skins or leather, for making or repairing footwear or other articles of hides, skin or leather, other than sewing machines
8454,84,Converters, ladles, ingot moulds and casting machines; of a kind used metallurgy or in metal foundries
845410,8454,Converters; of a type used in metallurgy or in metal foundries
845420,8454,Ingot moulds and ladles; of a kind used in metallurgy or in metal foundries
845430,8454,Casting machines; of a kind used in metallurgy or in metal foundries
845490,8454,Machines; parts of converters, ladles, ingot moulds and casting machines, of a kind used in metallurgy or in metal foundries
8455,84,Metal-rolling mills and rolls therefor
845510,8455,Metal-rolling mills; tube mills
845521,8455,Metal-rolling mills; hot or combination hot and cold rolling mills
845522,8455,Metal-rolling mills; cold
845530,8455,Metal-rolling mills; rolls thereof
845590,8455,Metal-rolling mills; parts thereof
8456,84,Machine-tools; for working any material by removal of material, by laser or other light or photon beam, ultrasonic, electro-discharge, electro-chemical, electron beam, ionic-beam, or plasma arc processes; water-jet cutting machines
845611,8456,Machine-tools; for working any material by removal of material; operated by laser
845612,8456,Machine-tools; for working any material by removal of material; operated by other light or photon beam processes (not laser)
845620,8456,Machine-tools; for working any material by removal of material, operated by ultrasonic processes
845630,8456,Machine-tools; for working any material by removal of material, operated by electro-discharge processes
845640,8456,Machine tools; for working any material by removal of material; operated by plasma arc processes;
845650,8456,Machine tools; for working any material by removal of material; operated by water-jet cutting machines
845690,8456,Machine tools; for working any material by removal of material; operated by other processes n.e.c. in heading 8456
8457,84,Machining centres, unit construction machines (single station) and multi-station transfer machines for working metal
845710,8457,Machining centres; for working metal
845720,8457,Machines; unit construction machines (single station), for working metal
845730,8457,Metal machines; multi-station transfer machines, for working metal
8458,84,Lathes for removing metal
845811,8458,Lathes; for removing metal, horizontal, numerically controlled
845819,8458,Lathes; for removing metal, horizontal, other than numerically controlled
845891,8458,Lathes; for removing metal, numerically controlled, other than horizontal lathes
845899,8458,Lathes; for removing metal, other than horizontal or numerically controlled lathes
8459,84,Machine-tools; (including way-type unit head machines) for drilling, boring, milling, threading or tapping by removing metal, other than lathes of heading no. 8458
845910,8459,Machine-tools; way-type unit head machines, for drilling, boring, milling, threading or tapping by removing metal, other than lathes of heading no. 8458
845921,8459,Machine-tools; for drilling by removing metal, numerically controlled
845929,8459,Machine-tools; for drilling by removing metal, other than numerically controlled
845931,8459,Machine-tools; for boring-milling by removing metal, numerically controlled
845939,8459,Machine-tools; for boring-milling by removing metal, other than numerically controlled
845941,8459,Machine-tools; for boring by removing metal, numerically controlled boring machines, n.e.c. in heading 8459
845949,8459,Machine-tools; for boring by removing metal, not numerically controlled boring machines, n.e.c. in heading 8459
845951,8459,Machine-tools; for milling by removing metal, knee-type, numerically controlled
845959,8459,Machine-tools; for milling by removing metal, knee-type, other than numerically controlled
845961,8459,Machine-tools; for milling by removing metal, (not knee-type), numerically controlled
845969,8459,Machine-tools; for milling by removing metal, not knee-type, other than numerically controlled
845970,8459,Machine-tools; for threading or tapping by removing metal
8460,84,Machine-tools; for deburring, sharpening, grinding, honing, lapping, polishing or otherwise finishing metal, sintered metal carbides or cermets by means of grinding stones, abrasives or polishing products
846012,8460,Machine-tools; flat-surface grinding machines, numerically controlled
846019,8460,Machine-tools; flat-surface grinding machines, other than numerically controlled
846022,8460,Machine-tools; grinding machines (excluding flat-surface), centreless, numerically controlled
846023,8460,Machine-tools; cylindrical grinding machines (excluding flat-surface and centreless), numerically controlled
846024,8460,Machine-tools; grinding machines (excluding flat-surface, cylindrical and centreless), numerically controlled
846029,8460,Machine-tools; grinding machines (excluding flat-surface), other than numerically controlled
846031,8460,Machine-tools; sharpening (tool or cutter grinding) machines, numerically controlled
846039,8460,Machine-tools; sharpening (tool or cutter grinding) machines, other than numerically controlled
846040,8460,Machine-tools; for honing or lapping
846090,8460,Machine-tools; for deburring, grinding, polishing or otherwise finishing metal, sintered metal carbides or cermets by means of grinding stones, abrasives or polishing products, n.e.c. in heading no. 8460
8461,84,Machine-tools; for planing, shaping, slotting, broaching, gear cutting and grinding, finishing, sawing, cutting off and other tools working by removing metal, sintered metal carbides or cermets n.e.c.
846120,8461,Machine-tools; shaping or slotting machines, working by removing metal, sintered metal carbides or cermets
846130,8461,Machine-tools; broaching machines, working by removing metal, sintered metal carbides or cermets
846140,8461,Machine-tools; gear cutting, gear grinding or gear finishing machines, working by removing metal, sintered metal carbides or cermets
846150,8461,Machine-tools; sawing or cutting-off machines, working by removing metal, sintered metal carbides or cermets
846190,8461,Machine-tools; planing machines, and other machine-tools n.e.c. in heading no. 8461; working by removing metal, sinistered metal carbides or cerments.
8462,84,Machine-tools (including presses) for working metal by forging, hammering or die forging (excluding rolling mills); machine-tools (including presses, slitting lines and cut-to-length lines) for working metal by bending, folding, straightening, flattening,
846211,8462,Machine-tools; forging and die-forging machines (including presses), closed die forging machines, for working metal
846219,8462,Machine-tools; hot forming machines, hot hammers, for working metal
846222,8462,Machine-tools; bending, folding, straightening or flattening machines (including press brakes) for flat products, for working metal, numerically controlled
846223,8462,Machine-tools; bending, folding, straightening or flattening machines (including presses), for working metal, numerically controlled press brakes
846224,8462,Machine-tools; bending, folding, straightening or flattening machines (including presses), for working metal, numerically controlled panel benders
846225,8462,Machine-tools; bending, folding, straightening or flattening machines (including presses), for working metal, numerically controlled roll forming machines
846226,8462,Machine-tools; bending, folding, straightening or flattening machines (including presses), for working metal, numerically controlled bending, folding, straightening or fattening machines (not press brakes, panel benders or roll forming machines)
846229,8462,Machine-tools; bending, folding, straightening or flattening machines (including press brakes), for working metal, numerically controlled n.e.c. in item 84.62.2
846232,8462,Machine-tools; slitting lines and cut-to-length lines, for working metal
846233,8462,Machine-tools; shearing machines (excluding presses) for flat products, numerically controlled, other than combined punching and shearing machines, for working metal
846239,8462,Machine-tools; shearing machines (excluding presses) for flat products, other than numerically controlled, other than combined punching and shearing machines, for working metal
846242,8462,Machine-tools; punching, notching or nibbling machines (excluding presses) for flat products including combined punching and shearing machines, numerically controlled, for working metal
846249,8462,Machine-tools; punching, notching or nibbling machines (excluding presses) for flat products including combined punching and shearing machines, other than numerically controlled, for working metal
846251,8462,Machine-tools; for working tube, pipe, hollow section and bar (excluding presses), for working metal, numerically controlled
846259,8462,Machine-tools; for working tube, pipe, hollow section and bar (excluding presses), for working metal, not numerically controlled
846261,8462,Machine-tools; cold metal working presses, hydraulic presses
846262,8462,Machine-tools; cold metal working presses, mechanical presses
846263,8462,Machine-tools; cold metal working presses, servo-presses
846269,8462,Machine-tools; cold metal working presses, other than hydraulic, mechanical or servo-presses
846290,8462,Machine-tools; (including presses) for working metal by forging, hammering or die-forging, for bending, folding, straightening, flattening, shearing, punching, notching or nibbling metal, n.e.c. in heading 8462
8463,84,Machine-tools; n.e.c. for working metal, sintered metal carbides or cermets without removing material
846310,8463,Machine-tools; for working metal, sintered metal carbides or cermets, without removing material, draw-benches for bars, tubes, profiles, wire or the like
846320,8463,Machine-tools; for working metal, sintered metal carbides or cermets, without removing material, thread rolling machines
846330,8463,Machine-tools; machines for working wire, without removing material
846390,8463,Machine-tools; for working metal, sintered metal carbides or cermets, without removing material, n.e.c. in heading no. 8463
8464,84,Machine-tools; for working stone, ceramics, concrete, asbestos-cement or like mineral materials or for cold working glass
846410,8464,Machine-tools; sawing machines, for working stone, ceramics, concrete, asbestos-cement or like mineral materials or for cold working glass
846420,8464,Machine-tools; grinding or polishing machines, for working stone, ceramics, concrete, asbestos-cement or like mineral materials or for cold working glass
846490,8464,Machine-tools; for working stone, ceramics, concrete, asbestos-cement or like mineral materials or for cold working glass, (other than sawing, grinding or polishing machines)
8465,84,Machine-tools; (including machines for nailing, stapling, glueing or otherwise assembling) for working wood, cork, bone, hard plastics or rubber or similar hard materials
846510,8465,Machine-tools; which can carry out different types of machining operations without tool change between such operations, for working wood, cork, bone, hard rubber, hard plastics or similar
846520,8465,Machine-tools; for working wood, cork, bone, hard rubber, hard plastics or similar hard materials; machining centres
846591,8465,Machine-tools; for working wood, cork, bone, hard rubber, hard plastics or similar hard materials; sawing machines
846592,8465,Machine-tools; for working wood, cork, bone, hard rubber, hard plastics or similar hard materials; planing, milling or moulding (by cutting) machines
846593,8465,Machine-tools; for working wood, cork, bone, hard rubber, hard plastics or similar hard materials; grinding, sanding or polishing machines
846594,8465,Machine-tools; for working wood, cork, bone, hard rubber, hard plastics or similar hard materials; bending or assembling machines
846595,8465,Machine-tools; for working wood, cork, bone, hard rubber, hard plastics or similar hard materials; drilling or morticing machines
846596,8465,Machine-tools; for working wood, cork, bone, hard rubber, hard plastics or similar hard materials; splitting, slicing or paring machines
846599,8465,Machine-tools; for working wood, cork, bone, hard rubber, hard plastics or similar hard materials; n.e.c. in heading no. 8465
8466,84,Parts & accessories suited for use only/mainly with machines of headings 8456-8465, including work/tool holders, self-opening dieheads, dividing heads & other special attachments for the machines; tool holders for any type of tool for working in the hand
846610,8466,Parts & accessories suited for use solely/principally with machines of headings 8456-8465; tool holders and self-opening dieheads
846620,8466,Parts & accessories suited for use solely/principally with machines of headings 8456-8465; work holders
846630,8466,Parts & accessories suited for use solely/principally with machines of headings 8456-8465; dividing heads and other special attachments for machines
846691,8466,Parts & accessories suited for use solely/principally; for the machines of heading no. 8464, n.e.c. in heading no. 8466
846692,8466,Parts & accessories suited for use solely/principally for the machines of heading no. 8465, n.e.c. in heading no. 8466
846693,8466,Parts & accessories suited for use solely/principally with machines of headings 8456-8465; n.e.c. in heading no. 8466
846694,8466,Machine-tools; parts and accessories, for the machines of heading no. 8462 or 8463, n.e.c. in heading no. 8466
8467,84,Tools; for working in the hand, pneumatic, hydraulic or with self-contained electric or non-electric motor
846711,8467,Tools; for working in the hand, pneumatic, rotary type (including combined rotary-percussion)
846719,8467,Tools; for working in the hand, pneumatic, other than rotary type
846721,8467,Tools; for working in the hand, with self-contained electric motor; drills of all kinds
846722,8467,Tools; for working in the hand, with self-contained electric motor; saws
846729,8467,Tools; for working in the hand, with self-contained electric motor; other than saws and drills
846781,8467,Tools; for working in the hand, chain saws with self-contained non-electric motor
846789,8467,Tools; for working in the hand, (other than chain saws), hydraulic or with self-contained non-electric motor, (not pneumatic)
846791,8467,Tools; for working in the hand, parts of chain saws, with self-contained non-electric motor
846792,8467,Tools; for working in the hand, parts of pneumatic tools
846799,8467,Tools; for working in the hand, parts thereof for other than chain saws and pneumatic tools
8468,84,Machinery and apparatus for soldering, brazing, welding, whether or not capable of cutting, other than those of heading no. 8515; gas-operated surface tempering machines and appliances
846810,8468,Machinery and apparatus; hand-held blow pipes for soldering, brazing or welding, whether or not capable of cutting
846820,8468,Machinery and apparatus; gas operated machinery and apparatus n.e.c. in item no. 8468.10, for soldering, brazing or welding, whether or not capable of cutting
846880,8468,Machinery and apparatus; for soldering, brazing or welding, whether or not capable of cutting, n.e.c. in heading no. 8468
846890,8468,Machinery and apparatus; parts, soldering, brazing or welding, whether or not capable of cutting, parts thereof
8470,84,Calculating machines and pocket-size data recording, reproducing and displaying machines with calculating functions; accounting machines, postage-franking machines, ticket-issuing machines and similar, incorporating a calculating device; cash registers
847010,8470,Calculating machines; electronic calculators capable of operation without an external source of electric power and pocket-size data recording, reproducing and displaying machines with calculating functions
847021,8470,Calculating machines; electronic, incorporating a printing device, needing an external source of power
847029,8470,Calculating machines; electronic, (not incorporating a printing device), needing an external power source
847030,8470,Calculating machines; non-electronic
847050,8470,Cash registers
847090,8470,Machines incorporating a calculating device; n.e.c. in heading no. 8470
8471,84,Automatic data processing machines and units thereof, magnetic or optical readers, machines for transcribing data onto data media in coded form and machines for processing such data, not elsewhere specified or included
847130,8471,Automatic data processing machines; portable, weighing not more than 10kg, consisting of at least a central processing unit, a keyboard and a display
847141,8471,Automatic data processing machines; comprising in the same housing at least a central processing unit and an input and output unit, whether or not combined, n.e.c. in item no. 8471.30
847149,8471,Automatic data processing machines; presented in the form of systems, n.e.c. in item no. 8471.30 or 8471.41
847150,8471,Units of automatic data processing machines; processing units other than those of item no. 8471.41 or 8471.49, whether or not containing in the same housing one or two of the following types of unit: storage units, input units or output units
847160,8471,Units of automatic data processing machines; input or output units, whether or not containing storage units in the same housing
847170,8471,Units of automatic data processing machines; storage units
847180,8471,Units of automatic data processing machines; n.e.c. in item no. 8471.50, 8471.60 or 8471.70
847190,8471,Magnetic or optical readers, machines for transcribing data onto data media in coded form and machines for processing such data, not elsewhere specified or included
8472,84,Office machines; not elsewhere classified
847210,8472,Office machines; duplicating machines
847230,8472,Office machines; for sorting or folding mail or for inserting mail in envelopes or bands, machines for opening, closing or sealing mail and machines for affixing or cancelling postage stamps
847290,8472,Office machines; not elsewhere classified
8473,84,Machinery; parts and accessories (other than covers, carrying cases and the like) suitable for use solely or principally with machines of headings 84.70 to 84.72
847321,8473,Calculating machines; parts and accessories of the electronic calculating machines of item no. 8470.10, 8470.21 or 8470.29 (other than covers, carrying cases and the like)
847329,8473,Machinery; parts and accessories of the machines of item no. 8470.30. 8470.50 or 8470.90 (other than covers, carrying cases and the like)
847330,8473,Machinery; parts and accessories (other than covers, carrying cases and the like) of the machines of heading no. 8471
847340,8473,Machinery; parts and accessories (other than covers, carrying cases and the like) of the machines of heading no. 8472
847350,8473,Machines; parts and accessories (other than covers, carrying cases and the like) equally suitable for use with machines of two or more of the headings 8470 to 8472
8474,84,Machinery for sorting, screening, separating, washing, crushing, grinding, mixing or kneading earth, stone, ores in solid form, shaping, moulding machinery for solid mineral fuels
847410,8474,Machines; for sorting, screening, separating or washing earth, stone, ores or other mineral substances
847420,8474,Machines; for crushing or grinding earth, stone, ores or other mineral substances
847431,8474,Machines; concrete or mortar mixers
847432,8474,Machines; for mixing mineral substances with bitumen
847439,8474,Machines; for mixing or kneading mineral substances, excluding concrete mixers and machines for mixing mineral substances with bitumen
847480,8474,Machines; for agglomerating, shaping or moulding solid mineral fuels, ceramic paste, unhardened cements, plastering materials in powder or paste form, machines for forming foundry moulds of sand
847490,8474,Machines, for sorting, screening, separating, washing, crushing etc mineral substances, for agglomerating, shaping or moulding solid fuels, ceramic pastes etc, for forming foundry moulds of sand; parts
8475,84,Machines; for assembling electric or electronic lamps, tubes, valves, flashbulbs, in glass envelopes, machines for manufacturing or hot working glass or glassware
847510,8475,Machines; for assembling electric or electronic lamps, tubes, valves or flashbulbs, in glass envelopes
847521,8475,Machines; for manufacturing or hot working glass or glassware, for making optical fibres and preforms thereof
847529,8475,Machines; for manufacturing or hot working glass or glassware, not for making optical fibres and preforms thereof
847590,8475,Machines; parts, of those for assembling electric or electronic lamps, tubes, valves or flash-bulbs, in glass envelopes and manufacturing or hot working glass or glassware
8476,84,Automatic goods-vending machines (e.g. postage stamp, cigarette, food or beverage machines), including money-changing machines
847621,8476,Machines; automatic beverage-vending machines, incorporating heating or refrigerating devices
847629,8476,Machines; automatic beverage-vending machines, not incorporating heating or refrigerating devices
847681,8476,Machines; automatic goods-vending machines, (e.g. postage stamp, cigarette, food or money-changing machines, excluding beverage-vending machines), incorporating heating or refrigerating devices
847689,8476,Machines; automatic goods-vending machines, (e.g. postage stamp, cigarette, food or money-changing machines, excluding beverage-vending machines), not incorporating heating or refrigerating devices
847690,8476,Machines; parts of automatic goods-vending machines
8477,84,Machinery; for working rubber or plastics or for the manufacture of products from these materials, n.e.c. in this chapter
847710,8477,Machinery; injection-moulding machines, for working rubber or plastics or for the manufacture of products from these materials
847720,8477,Machinery; extruders, for working rubber or plastics or for the manufacture of products from these materials
847730,8477,Machinery; blow moulding machines, for working rubber or plastics or for the manufacture of products from these materials
847740,8477,Machinery; vacuum moulding machines and other thermoforming machines, for working rubber or plastics or for the manufacture of products from these materials
847751,8477,Machinery; for moulding or retreading pneumatic tyres or for moulding or otherwise forming inner tubes
847759,8477,Machinery; for moulding or forming, for working rubber or plastics or for the manufacture of products from these materials, n.e.c. in this chapter
847780,8477,Machinery; for working rubber or plastics or for the manufacture of products from these materials, n.e.c. in this chapter
847790,8477,Machinery; parts of the machines of heading no. 8477, n.e.c. in item no. 8477.90
8478,84,Machinery; for preparing or making up tobacco, n.e.c. in this chapter
847810,8478,Machinery; for preparing or making up tobacco, n.e.c. in this chapter
847890,8478,Machinery; parts of those for preparing or making up tobacco, n.e.c. in this chapter
8479,84,Machinery and mechanical appliances; having individual functions, n.e.c. in this chapter
847910,8479,Machinery and mechanical appliances; for public works, building or the like
847920,8479,Machinery; for the extraction or preparation of animal or fixed vegetable or microbial fats or oils
847930,8479,Machinery and mechanical appliances; presses for the manufacture of particle or fibre building board of wood or other ligneous materials and other machinery for treating wood or cork
847940,8479,Machines; for making rope or cable
847950,8479,Machinery and mechanical appliances; industrial robots, n.e.c. or included
847960,8479,Machinery and mechanical appliances; evaporative air coolers
847971,8479,Machinery and mechanical appliances; passenger boarding bridges, of a kind used in airports
847979,8479,Machinery and mechanical appliances; passenger boarding bridges, other than of a kind used in airports
847981,8479,Machines and mechanical appliances; for treating metal, including electric wire coil-winders
847982,8479,Machines; for mixing, kneading, crushing, grinding, screening, sifting, homogenising, emulsifying or stirring
847983,8479,Machines and mechanical appliances; cold isostatic presses
847989,8479,Machines and mechanical appliances; having individual functions, n.e.c. or included in this chapter
847990,8479,Machines and mechanical appliances; parts, of those having individual functions
8480,84,Moulding boxes for metal foundry, moulding patterns, moulds for metals (excluding ingot moulds), metal carbides, glass, mineral materials, rubber or plastics
848010,8480,Moulding boxes; for metal foundry
848020,8480,Mould bases; for metal, metal carbides, glass, mineral materials, rubber or plastics
848030,8480,Moulding patterns; of metal, metal carbides, glass, mineral materials, rubber or plastics
848041,8480,Moulds; for metal or metal carbides, injection or compression types
848049,8480,Moulds; for metal or metal carbides, other than injection or compression types
848050,8480,Moulds; for glass
848060,8480,Moulds; for mineral materials
848071,8480,Moulds; for rubber or plastics, injection or compression types
848079,8480,Moulds; for rubber or plastics, other than injection or compression types
8481,84,Taps, cocks, valves and similar appliances for pipes, boiler shells, tanks, vats or the like, including pressure-reducing valves and thermostatically controlled valves
848110,8481,Valves; pressure reducing, for pipes, boiler shells, tanks, vats or the like
848120,8481,Valves; for oleohydraulic or pneumatic transmissions
848130,8481,Valves; check (nonreturn) valves, for pipes, boiler shells, tanks, vats or the like
848140,8481,Valves; safety or relief valves, for pipes, boiler shells, tanks, vats or the like
848180,8481,Taps, cocks, valves and similar appliances; for pipes, boiler shells, tanks, vats or the like, including thermostatically controlled valves
848190,8481,Taps, cocks, valves and similar appliances; parts thereof
8482,84,Ball or roller bearings
848210,8482,Ball bearings
848220,8482,Bearings; tapered roller bearings, including cone and tapered roller assemblies
848230,8482,Bearings; spherical roller bearings
848240,8482,Bearings; needle roller bearings, including cage and needle roller assemblies
848250,8482,Bearings; cylindrical roller bearings, including cage and roller assemblies n.e.c. in heading no. 8482
848280,8482,Bearings; n.e.c. in heading no. 8482, including combined ball/roller
848291,8482,Bearings; parts, balls, needles and rollers
848299,8482,Bearings; parts, (other than balls, needles and rollers)
8483,84,Transmission shafts (including cam and crank) and cranks; bearing housings and plain shaft bearings; gears and gearing; ball or roller screws; gear boxes and other speed changers; flywheels and pulleys; clutches and shaft couplings
848310,8483,Transmission shafts (including cam shafts and crank shafts) and cranks
848320,8483,Bearing housings, incorporating ball or roller bearings
848330,8483,Bearing housings, not incorporating ball or roller bearings and plain shaft bearings
848340,8483,Gears and gearing; (not toothed wheels, chain sprockets and other transmission elements presented separately); ball or roller screws; gear boxes and other speed changers, including torque converters
848350,8483,Pulleys and flywheels, including pulley blocks
848360,8483,Clutches and shaft couplings (including universal joints)
848390,8483,Transmission components; toothed wheels, chain sprockets and other transmission elements presented separately; parts
8484,84,Gaskets and similar joints of metal sheeting combined with other material or of two or more layers of metal; sets or assortments of gaskets and similar joints, dissimilar in composition, put up in pouches, envelopes or similar packings; mechanical seals
848410,8484,Gaskets and similar joints; of metal sheeting combined with other material or two or more layers of metal
848420,8484,Seals; mechanical
848490,8484,Gasket sets or assortments of gaskets and similar joints; dissimilar in composition, put up in pouches, envelopes or similar packings
8485,84,Machines for additive manufacturing
848510,8485,Machines for additive manufacturing; by metal deposit
848520,8485,Machines for additive manufacturing; by plastic or rubber deposit
848530,8485,Machines for additive manufacturing; by plaster, cement, ceramics or glass deposit
848580,8485,Machines for additive manufacturing; by other than metal, plastic, rubber, plaster, cement, ceramics or glass deposits
848590,8485,Machines for additive manufacturing; parts
8486,84,Machines and apparatus of a kind used solely or principally for the manufacture of semiconductor boules or wafers, semiconductor devices, electronic integrated circuits or flat panel displays; machines & apparatus specified in note 11 (C) to this Chapter
848610,8486,Machines and apparatus of a kind used solely or principally for the manufacture of semiconductor boules or wafers
848620,8486,Machines and apparatus of a kind used solely or principally for the manufacture of semiconductor devices or of electronic integrated circuits
848630,8486,Machines and apparatus of a kind used solely or principally for the manufacture of flat panel displays
848640,8486,Machines and apparatus of a kind used solely or principally for the manufacture or repair of masks and reticles, assembling semiconductor devices or electronic integrated circuits, or for lifting, handling, loading or unloading items of heading 8486
848690,8486,Machines and apparatus of heading 8486; parts and accessories
8487,84,Machinery parts; not containing electrical connectors, insulators, coils, contacts or other electrical features, n.e.c. in this chapter
848710,8487,Ships' or boats' propellers and blades therefor
848790,8487,Machinery parts; not containing electrical connectors, insulators, coils, contacts or other electrical features, n.e.c. in chapter 84, other than ships' or boats' propellers and blades therefor
85,XVI,Electrical machinery and equipment and parts thereof; sound recorders and reproducers; television image and sound recorders and reproducers, parts and accessories of such articles
8501,85,Electric motors and generators (excluding generating sets)
850110,8501,Electric motors; of an output not exceeding 37.5W
850120,8501,Electric motors; universal AC/DC of an output exceeding 37.5W
850131,8501,Electric motors and generators; DC, of an output not exceeding 750W
850132,8501,Electric motors and generators; DC, of an output exceeding 750W but not exceeding 75kW
850133,8501,Electric motors and generators; DC, of an output exceeding 75kW but not exceeding 375kW
850134,8501,Electric motors and generators; DC, of an output exceeding 375kW
850140,8501,Electric motors; AC motors, single-phase
850151,8501,Electric motors; AC motors, multi-phase, of an output not exceeding 750W
850152,8501,Electric motors; AC motors, multi-phase, of an output exceeding 750W but not exceeding 75kW
850153,8501,Electric motors; AC motors, multi-phase, of an output exceeding 75kW
850161,8501,Generators; AC generators, (alternators), other than photovoltaic generators, of an output not exceeding 75kVA
850162,8501,Electric generators; AC generators, (alternators), other than photovoltaic generators, of an output exceeding 75kVA but not exceeding 375kVA
850163,8501,Electric generators; AC generators, (alternators), other than photovoltaic generators, of an output exceeding 375kVA but not exceeding 750kVA
850164,8501,Electric generators; AC generators, (alternators), other than photovoltaic generators, of an output exceeding 750kVA
850171,8501,Electric generators; photovoltaic DC generators, of an output not exceeding 50W
850172,8501,Electric generators; photovoltaic DC generators, of an output exceeding 50W
850180,8501,Electric generators; (excluding generating sets), photovoltaic AC generators (alternators)
8502,85,Electric generating sets and rotary converters
850211,8502,Electric generating sets; with compression-ignition internal combustion piston engines (diesel or semi-diesel engines), of an output not exceeding 75kVA
850212,8502,Electric generating sets; with compression-ignition internal combustion piston engines (diesel or semi-diesel engines), of an output exceeding 75kVA but not exceeding 375kVA
850213,8502,Electric generating sets; with compression-ignition internal combustion piston engines (diesel or semi-diesel engines), of an output exceeding 375kVA
850220,8502,Electric generating sets; with spark-ignition internal combustion piston engines
850231,8502,Electric generating sets; wind-powered, (excluding those with spark-ignition or compression-ignition internal combustion piston engines)
850239,8502,Electric generating sets; (excluding those with spark-ignition or compression-ignition internal combustion piston engines), other than wind powered
850240,8502,Electric rotary converters
8503,85,Electric motors and generators; parts suitable for use solely or principally with the machines of heading no. 8501 or 8502
850300,8503,Electric motors and generators; parts suitable for use solely or principally with the machines of heading no. 8501 or 8502
8504,85,Electric transformers, static converters (e.g. rectifiers) and inductors
850410,8504,Discharge lamps or tubes; ballasts therefor
850421,8504,Electrical transformers; liquid dielectric, having a power handling capacity not exceeding 650kVA
850422,8504,Electrical transformers; liquid dielectric, having a power handling capacity exceeding 650kVA but not exceeding 10,000kVA
850423,8504,Electrical transformers; liquid dielectric, having a power handling capacity exceeding 10,000kVA
850431,8504,Electrical transformers; n.e.c. in item no. 8504.2, having a power handling capacity not exceeding 1kVA
850432,8504,Transformers; n.e.c. in item no. 8504.2, having a power handling capacity exceeding 1kVA but not exceeding 16kVA
850433,8504,Transformers; n.e.c. in item no. 8504.2, having a power handling capacity exceeding 16kVA but not exceeding 500kVA
850434,8504,Transformers; n.e.c. in item no. 8504.2, having a power handling capacity exceeding 500kVA
850440,8504,Electrical static converters
850450,8504,Electrical inductors; n.e.c. in heading no. 8504
850490,8504,Electrical transformers, static converters and inductors; parts thereof
8505,85,Electro-magnets; permanent magnets, intended permanent magnets; electro-magnetic, permanent magnet chucks, clamps, similar; electromagnetic couplings, clutches, brakes; electro-magnetic lifting heads
850511,8505,Magnets; permanent magnets and articles intended to become permanent magnets after magnetisation, of metal
850519,8505,Magnets; permanent magnets and articles intended to become permanent magnets after magnetisation, other than of metal
850520,8505,Magnets; electro-magnetic couplings, clutches and brakes
850590,8505,Magnets; electro-magnets, holding devices and parts n.e.c. in heading no. 8505
8506,85,Cells and batteries; primary
850610,8506,Cells and batteries; primary, manganese dioxide
850630,8506,Cells and batteries; primary, mercuric oxide
850640,8506,Cells and batteries; primary, silver oxide
850650,8506,Cells and batteries; primary, lithium
850660,8506,Cells and batteries; primary, air-zinc
850680,8506,Cells and batteries; primary, (other than manganese dioxide, mercuric oxide, silver oxide, lithium or air-zinc)
850690,8506,Cells and batteries; primary, parts thereof
8507,85,Electric accumulators, including separators therefor; whether or not rectangular (including square)
850710,8507,Electric accumulators; lead-acid, of a kind used for starting piston engines, including separators, whether or not rectangular (including square)
850720,8507,Electric accumulators; lead-acid, (other than for starting piston engines), including separators, whether or not rectangular (including square)
850730,8507,Electric accumulators; nickel-cadmium, including separators, whether or not rectangular (including square)
850750,8507,Electric accumulators; nickel-metal hydride, including separators, whether or not rectangular (including square)
850760,8507,Electric accumulators; lithium-ion, including separators, whether or not rectangular (including square)
850780,8507,Electric accumulators; other than lead-acid, nickel-cadmium, nickel-metal hydride and lithium-ion, including separators, whether or not rectangular (including square)
850790,8507,Electric accumulators; parts n.e.c. in heading no. 8507
8508,85,Vacuum cleaners
850811,8508,Vacuum cleaners, with self-contained electric motor, of a power not exceeding 1,500 W and having a dust bag or other receptacle capacity not exceeding 20L
850819,8508,Vacuum cleaners, with self-contained electric motor, n.e.c. in item no. 8508.1
850860,8508,Vacuum cleaners, other than with a self-contained electric motor
850870,8508,Parts of vacuum cleaners
8509,85,Electro-mechanical domestic appliances; with self-contained electric motor, other than vacuum cleaners of heading 85.08.
850940,8509,Electro-mechanical domestic appliances; food grinders and mixers, fruit or vegetable juice extractors, with self-contained electric motor
850980,8509,Electro-mechanical domestic appliances; with self-contained electric motor, other than vacuum cleaners of heading 85.08, n.e.c. in heading no. 8509
850990,8509,Electro-mechanical domestic appliances; parts for the appliances of heading no. 8509
8510,85,Shavers, hair clippers and hair removing appliances, with self-contained electric motor
851010,8510,Shavers; with self-contained electric motor
851020,8510,Hair clippers; with a self-contained electric motor
851030,8510,Hair-removing appliances; with self-contained electric motor
851090,8510,Shavers and hair clippers; parts of those with self-contained electric motor
8511,85,Ignition or starting equipment; used for spark-ignition or compression-ignition internal combustion engines; generators and cut outs used in conjunction with such engines
851110,8511,Ignition or starting equipment; spark plugs, of a kind used for spark or compression-ignition internal combustion engines
851120,8511,Ignition or starting equipment; ignition magnetos, magneto-dynamos and magnetic flywheels, of a kind used for spark or compression-ignition internal combustion engines
851130,8511,Ignition or starting equipment; distributors and ignition coils of a kind used for spark-ignition or compression-ignition internal combustion engines
851140,8511,Ignition or starting equipment; starter motors and dual purpose starter-generators, of a kind used for spark or compression-ignition internal combustion engines
851150,8511,Ignition or starting equipment; generators n.e.c. in heading no. 8511, of a kind used for spark or compression-ignition internal combustion engines
851180,8511,Ignition or starting equipment; n.e.c. in heading no. 8511, of a kind used for spark or compression-ignition internal combustion engines
851190,8511,Ignition or starting equipment; parts of the equipment of heading no. 8511, for use in spark-ignition or compression-ignition internal combustion engines
8512,85,Lighting or visual signalling equipment (excluding articles of heading no. 8539), windscreen wipers, defrosters and demisters; electrical, of a kind used for cycles or motor vehicles
851210,8512,Lighting or visual signalling equipment; electrical, of a kind used on bicycles, excluding articles of heading no. 8539
851220,8512,Lighting or visual signalling equipment; electrical, of a kind used on motor vehicles (excluding articles of heading no. 8539)
851230,8512,Sound signalling equipment; electrical, used on cycles or motor vehicles (excluding articles of heading no. 8539)
851240,8512,Windscreen wipers, defrosters and demisters; electrical, of kinds used for cycles or motor vehicles
851290,8512,Lighting or signalling equipment; electrical, (excluding articles of heading no. 8539), windscreen wipers, defrosters and demisters; parts, of those kinds used for cycles or motor vehicles
8513,85,Lamps; portable, electric, designed to function by their own source of energy (e.g. dry batteries, accumulators, magnetos), excluding lighting equipment of heading no. 8512
851310,8513,Lamps; portable, electric, designed to function by their own source of energy (excluding lighting equipment of heading no. 8512)
851390,8513,Lamps; parts of portable, electric lamps of heading no. 8513, designed to function by their own source of energy
8514,85,Industrial or laboratory electric furnaces and ovens (including those functioning by induction or dielectric loss); other industrial or laboratory equipment for the heat treatment of materials by induction or dielectric loss
851411,8514,Furnaces and ovens; electric, for industrial or laboratory use, resistance heated; hot isostatic presses
851419,8514,Furnaces and ovens; electric, for industrial or laboratory use, resistance heated; other than hot isostatic presses, for the manufacture of semiconductor devices on semiconductor wafers
851420,8514,Furnaces and ovens; electric, for industrial or laboratory use, functioning by induction or dielectric loss
851431,8514,Furnaces and ovens; electric, for industrial or laboratory use, other than those functioning by induction, dielectric loss or resistance heated, electron beam furnaces
851432,8514,Furnaces and ovens; electric, for industrial or laboratory use, other than those functioning by induction, dielectric loss or resistance heated, plasma and vacuum arc furnaces
851439,8514,Furnaces and ovens; electric, for industrial or laboratory use, other than those functioning by induction, dielectric loss or resistance heated, other than electron beam, plasma or vacuum arc furnaces
851440,8514,Heating equipment; for the heat treatment of materials by induction or dielectric loss, industrial or laboratory, other than furnaces and ovens
851490,8514,Furnaces, ovens and heating equipment; parts of the industrial or laboratory equipment of heading no. 8514
8515,85,Electric (electrically heated gas) soldering, brazing, welding machines and apparatus, capable or not of cutting, electric machines and apparatus for hot spraying of metals or sintered carbides
851511,8515,Brazing or soldering machines and apparatus; soldering irons and guns, whether or not capable of cutting
851519,8515,Brazing or soldering machines and apparatus; other than soldering irons and guns, whether or not capable of cutting
851521,8515,Welding machines and apparatus; for resistance welding of metal, fully or partly automatic, whether or not capable of cutting
851529,8515,Welding machines and apparatus; for resistance welding of metal, other than fully or partly automatic, whether or not capable of cutting
851531,8515,Welding machines and apparatus; for arc (including plasma arc) welding of metals, fully or partly automatic, whether or not capable of cutting
851539,8515,Welding machines and apparatus; for arc (including plasma arc) welding of metals, other than fully or partly automatic, whether or not capable of cutting
851580,8515,Welding machines and apparatus; n.e.c. in heading no. 8515, whether or not capable of cutting
851590,8515,Welding, brazing or soldering machines; parts of the machines of heading no. 8515
8516,85,Electric water, space, soil heaters; electro-thermic hair-dressing apparatus; hand dryers, irons; electro-thermic appliances for domestic purposes; electro heating resistors, not of heading no. 8545
851610,8516,Heaters; electric, instantaneous or storage water and immersion heaters
851621,8516,Heating apparatus; electric storage heating radiators
851629,8516,Heating apparatus; electric soil heating apparatus and space heating apparatus (excluding storage heating radiators)
851631,8516,Hair-dressing apparatus; electro-thermic hair dryers
851632,8516,Hair-dressing apparatus; electro-thermic, other than hair dryers
851633,8516,Hand-drying apparatus; electro-thermic
851640,8516,Smoothing irons; electric
851650,8516,Ovens; microwave, of a kind used for domestic purposes
851660,8516,Ovens, cookers, cooking plates, boiling rings, grillers and roasters; of a kind used for domestic purposes (excluding microwaves)
851671,8516,Electro-thermic appliances; coffee or tea makers, of a kind used for domestic purposes
851672,8516,Electro-thermic appliances; toasters, of a kind used for domestic purposes
851679,8516,Electro-thermic appliances; n.e.c. in heading no. 8516, used for domestic purposes
851680,8516,Resistors; electric heating, other than those of heading no. 8545
851690,8516,Electro-thermic appliances; parts, of heating resistors, of water, space and soil heaters, hair-dressing apparatus, hand dryers, smoothing irons and other domestic appliances of heading no. 8516
8517,85,Telephone sets, including smartphones and other telephones for cellular/wireless networks; other apparatus for the transmission or reception of voice, images or other data (including wired/wireless networks), excluding items of 8443, 8525, 8527, or 8528
851711,8517,Line telephone sets with cordless handsets
851713,8517,Telephone sets; smartphones for cellular or other wireless networks
851714,8517,Telephone sets; other than smartphones, for cellular or other wireless networks
851718,8517,Telephone sets n.e.c. in item no. 8517.1
851761,8517,Base stations
851762,8517,Communication apparatus (excluding telephone sets or base stations); machines for the reception, conversion and transmission or regeneration of voice, images or other data, including switching and routing apparatus
851769,8517,Communication apparatus (excluding telephone sets or base stations); machines for the transmission or reception of voice, images or other data (including wired/wireless networks), n.e.c. in item no. 8517.6
851771,8517,Communication apparatus; parts, aerials and aerial reflectors of all kinds, part suitable for use therewith
851779,8517,Communication apparatus; parts, other than aerials and aerial reflectors of all kinds
8518,85,Microphones and their stands; loudspeakers, mounted or not in their enclosures; headphones and earphones, combined or not with a microphone, and sets of a microphone and one or more loudspeakers; audio-frequency and electric sound amplifiers and sets
851810,8518,Microphones and stands therefor
851821,8518,Loudspeakers; single, mounted in their enclosures
851822,8518,Loudspeakers; multiple, mounted in the same enclosure
851829,8518,Loudspeakers; not mounted in their enclosures
851830,8518,Headphones and earphones, whether or not combined with a microphone, and sets consisting of a microphone and one or more loudspeakers
851840,8518,Amplifiers; audio-frequency electric
851850,8518,Amplifier sets; electric sound
851890,8518,Microphones, headphones, earphones, amplifier equipment; parts of the equipment of heading no. 8518
8519,85,Sound recording or reproducing apparatus
851920,8519,Sound recording or reproducing apparatus; operated by coins, banknotes, bank cards, tokens or by other means of payment
851930,8519,Sound recording or reproducing apparatus; turntables (record-decks)
851981,8519,Sound recording or reproducing apparatus; using magnetic, optical or semiconductor media, n.e.c. in item no 8519.20, 8519.30 or 8519.50
851989,8519,Sound recording or reproducing apparatus; n.e.c. in heading no 8519
8521,85,Video recording or reproducing apparatus
852110,8521,Video recording or reproducing apparatus; magnetic tape-type
852190,8521,Video recording or reproducing apparatus; other than magnetic tape-type
8522,85,Sound or video recording apparatus; parts and accessories suitable for use solely or principally with the apparatus of heading 8519 or 8521
852210,8522,Sound recording or reproducing apparatus; parts and accessories thereof, pick-up cartridges
852290,8522,Sound or video recording or reproducing apparatus; parts and accessories thereof, other than pick-up cartridges
8523,85,Discs, tapes, solid-state non-volatile storage devices, smart cards and other media for the recording of sound or of other phenomena, whether or not recorded, including matrices and masters for the production of discs, excluding products of Chapter 37
852321,8523,Magnetic media; cards incorporating a magnetic stripe, whether or not recorded, excluding products of Chapter 37
852329,8523,Magnetic media; other than cards incorporating a magnetic stripe, whether or not recorded, excluding products of Chapter 37
852341,8523,Optical media; unrecorded, excluding products of Chapter 37
852349,8523,Optical media; recorded, excluding products of Chapter 37
852351,8523,Semiconductor media; solid-state non-volatile storage devices, whether or not recorded, excluding products of Chapter 37
852352,8523,Semiconductor media; smart cards, whether or not recorded, excluding products of Chapter 37
852359,8523,Semiconductor media; other than smart cards, whether or not recorded, excluding products of Chapter 37
852380,8523,Media n.e.c. in heading 8523, whether or not recorded, excluding products of Chapter 37
8524,85,Flat panel display modules, whether or not incorporating touch-sensitive screens
852411,8524,Flat panel display modules, whether or not incorporating touch-sensitive screens; of liquid crystals, without drivers or control circuits
852412,8524,Flat panel display modules, whether or not incorporating touch-sensitive screens; of organic light-emitting diodes (OLED), without drivers or control circuits
852419,8524,Flat panel display modules, whether or not incorporating touch-sensitive screens; of other than liquid crystals or organic light-emitting diodes (OLED), without drivers or control circuits
852491,8524,Flat panel display modules, whether or not incorporating touch-sensitive screens; of liquid crystals, with drivers or control circuits
852492,8524,Flat panel display modules, whether or not incorporating touch-sensitive screens; of organic light-emitting diodes (OLED), with drivers or control circuits
852499,8524,Flat panel display modules, whether or not incorporating touch-sensitive screens; of other than liquid crystals or organic light-emitting diodes (OLED), with drivers or control circuits
8525,85,Transmission apparatus for radio-broadcasting or television, whether or not incorporating reception apparatus or sound recording or reproducing apparatus; television cameras, digital cameras and video camera recorders
852550,8525,Transmission apparatus for radio-broadcasting or television, whether or not incorporating sound recording or reproducing apparatus, not incorporating reception apparatus
852560,8525,Transmission apparatus for radio-broadcasting or television, whether or not incorporating sound recording or reproducing apparatus, incorporating reception apparatus
852581,8525,Television cameras, digital cameras and video camera recorders; high-speed goods as specified in subheading note 1 to this chapter
852582,8525,Television cameras, digital cameras and video camera recorders; radiation-hardened or radiation-tolerant goods as specified in subheading note 2 to this chapter
852583,8525,Television cameras, digital cameras and video camera recorders; night vision goods as specified in subheading note 3 to this chapter
852589,8525,Television cameras; n.e.c. in item no 8525.8
8526,85,Radar apparatus, radio navigational aid apparatus and radio remote control apparatus
852610,8526,Radar apparatus
852691,8526,Radio navigational aid apparatus
852692,8526,Radio remote control apparatus
8527,85,Reception apparatus for radio-broadcasting, whether or not combined, in the same housing, with sound recording or reproducing apparatus or a clock.
852712,8527,Radio broadcast receivers capable of operating without an external power source; pocket-size radio cassette-players
852713,8527,Radio broadcast receivers capable of operating without an external power source; apparatus (other than pocket-size radio cassette-players), combined with sound recording or reproducing apparatus
852719,8527,Radio broadcast receivers capable of operating without an external power source; n.e.c. in item no. 8527.1
852721,8527,Radio-broadcast receivers not capable of operating without an external source of power, of a kind used in motor vehicles; combined with sound recording or reproducing apparatus
852729,8527,Radio-broadcast receivers not capable of operating without an external source of power, of a kind used in motor vehicles; not combined with sound recording or reproducing apparatus
852791,8527,Radio-broadcast receivers n.e.c. in heading no. 8527; combined with sound recording or reproducing apparatus
852792,8527,Radio-broadcast receivers n.e.c. in heading no. 8527; not combined with sound recording or reproducing apparatus but combined with a clock
852799,8527,Radio-broadcast receivers n.e.c. in heading no. 8527; not combined with sound recording or reproducing apparatus and not combined with a clock
8528,85,Monitors and projectors, not incorporating television reception apparatus; reception apparatus for television, whether or not incorporating radio-broadcast receivers or sound or video recording or reproducing apparatus
852842,8528,Monitors; cathode-ray tube, capable of directly connecting to and designed for use with an automatic data processing machine of heading 84.71
852849,8528,Monitors; cathode-ray tube, n.e.c. in subheading 8528.42, whether or not colour
852852,8528,Monitors; other than cathode-ray tube; capable of directly connecting to and designed for use with an automatic data processing machine of heading 84.71
852859,8528,Monitors other than cathode-ray tube; n.e.c. in subheading 8528.52, whether or not colour
852862,8528,Projectors; capable of directly connecting to and designed for use with an automatic data processing machine of heading 84.71
852869,8528,Projectors; n.e.c. in subheading 8528.62, whether or not colour
852871,8528,Reception apparatus for television, whether or not incorporating radio-broadcast receivers or sound or video recording or reproducing apparatus; not designed to incorporate a video display or screen
852872,8528,Reception apparatus for television, whether or not incorporating radio-broadcast receivers or sound or video recording or reproducing apparatus; incorporating a colour video display or screen
852873,8528,Reception apparatus for television, whether or not incorporating radio-broadcast receivers or sound or video recording or reproducing apparatus; incorporating a monochrome video display or screen
8529,85,Transmission apparatus; parts suitable for use solely or principally with the apparatus of heading no. 8524 to 8528
852910,8529,Reception and transmission apparatus; aerials and aerial reflectors of all kinds and parts suitable for use therewith
852990,8529,Reception and transmission apparatus; for use with the apparatus of heading no. 8524 to 8528, excluding aerials and aerial reflectors
8530,85,Signalling, safety or traffic control equipment; for railways, tramways, roads, inland waterways, parking facilities, port installations, airfields, excluding those of heading no. 8608
853010,8530,Signalling, safety or traffic control equipment; for railways or tramways (excluding those of heading no. 8608)
853080,8530,Signalling, safety or traffic control equipment; for roads, inland waterways, parking facilities, port installations or airfields (excluding those of heading no. 8608)
853090,8530,Signalling apparatus; parts of safety, traffic control equipment for railways, tramways, roads, inland waterways, airfields, parking facilities, port instalments (excluding those of heading no. 8608)
8531,85,Signalling apparatus; electric sound or visual (e.g. bells, sirens, indicator panels, burglar or fire alarms), excluding those of heading no. 8512 or 8530
853110,8531,Signalling apparatus; electric, sound or visual, burglar or fire alarms and similar, other than those of heading no. 8512 or 8530
853120,8531,Signalling apparatus; electric, sound or visual, indicator panels incorporating liquid crystal devices (LCD) or light-emitting diodes (LED), excluding those of heading no. 8512 or 8530
853180,8531,Signalling apparatus; electric, sound or visual, apparatus n.e.c. in heading no. 8531, excluding those of heading no. 8512 or 8530
853190,8531,Signalling apparatus; parts of the electric, sound or visual apparatus of heading no. 8531
8532,85,Electrical capacitors; fixed, variable or adjustable (pre-set)
853210,8532,Electrical capacitors; fixed, designed for use in 50/60 Hz circuits and having a reactive power handling capacity of not less than 0.5 kvar (power capacitors)
853221,8532,Electrical capacitors; fixed, tantalum
853222,8532,Electrical capacitors; fixed, aluminium electrolytic
853223,8532,Electrical capacitors; fixed, ceramic dielectric, single layer
853224,8532,Electrical capacitors; fixed, ceramic dielectric, multilayer
853225,8532,Electrical capacitors; fixed, dielectric of paper or plastics
853229,8532,Electrical capacitors; fixed, n.e.c. in heading no. 8532
853230,8532,Electrical capacitors; variable or adjustable (pre-set) capacitors
853290,8532,Electrical capacitors; parts of the capacitors of heading no. 8532
8533,85,Electrical resistors (including rheostats and potentiometers), excluding heating resistors
853310,8533,Electrical resistors; fixed carbon resistors, composition or film types (including rheostats and potentiometers but excluding heating resistors)
853321,8533,Electrical resistors; fixed, for a power handling capacity not exceeding 20W (including rheostats and potentiometers but excluding heating resistors and carbon resistors)
853329,8533,Electrical resistors; fixed, for a power handling capacity exceeding 20W (including rheostats and potentiometers but excluding heating resistors and carbon resistors)
853331,8533,Electrical resistors; wirewound variable, including rheostats and potentiometers, for a power handling capacity not exceeding 20W (excluding heating)
853339,8533,Electrical resistors; wirewound variable, including rheostats and potentiometers, for a power handling capacity exceeding 20W (excluding heating)
853340,8533,Electrical resistors; variable, including rheostats and potentiometers (excluding heating)
853390,8533,Resistors; parts of the resistors of heading no. 8533
8534,85,Circuits; printed
853400,8534,Circuits; printed
8535,85,Electrical apparatus for switching, protecting electrical circuits, for making connections to or in electrical circuits; for a voltage exceeding 1000 volts
853510,8535,Electrical apparatus; fuses, for a voltage exceeding 1000 volts
853521,8535,Electrical apparatus; automatic circuit breakers, for a voltage exceeding 1000 volts but less than 72.5kV
853529,8535,Electrical apparatus; automatic circuit breakers, for a voltage of 72.5kV or more
853530,8535,Electrical apparatus; isolating and make-and-break switches, for a voltage exceeding 1000 volts
853540,8535,Electrical apparatus; lightning arresters, voltage limiters and surge suppressors (for a voltage exceeding 1000 volts)
853590,8535,Electrical apparatus; n.e.c. in heading no. 8535, for switching or protecting electrical circuits, for a voltage exceeding 1000 volts
8536,85,Electrical apparatus for switching, protecting electrical circuits, for making connections to or in electrical circuits, for a voltage not exceeding 1000 volts; connectors for optical fibres, optical fibre bundles or cables
853610,8536,Electrical apparatus; fuses, for a voltage not exceeding 1000 volts
853620,8536,Electrical apparatus; automatic circuit breakers, for a voltage not exceeding 1000 volts
853630,8536,Electrical apparatus; for protecting electrical circuits, n.e.c. in heading no. 8536, for a voltage not exceeding 1000 volts
853641,8536,Electrical apparatus; relays, (for a voltage not exceeding 60 volts)
853649,8536,Electrical apparatus; relays, for a voltage exceeding 60 volts
853650,8536,Electrical apparatus; switches n.e.c. in heading no. 8536, for a voltage not exceeding 1000 volts
853661,8536,Electrical apparatus; lamp-holders, for a voltage not exceeding 1000 volts
853669,8536,Electrical apparatus; plugs and sockets, for a voltage not exceeding 1000 volts
853670,8536,Connectors for optical fibres, optical fibre bundles or cables
853690,8536,Electrical apparatus; n.e.c. in heading no. 8536, for switching or protecting electrical circuits, for a voltage not exceeding 1000 volts
8537,85,Boards, panels, consoles, desks, cabinets, bases with apparatus of heading no. 8535, 8536 for electricity control and distribution, (other than switching apparatus of heading no. 8517)
853710,8537,Boards, panels, consoles, desks and other bases; for electric control or the distribution of electricity, (other than switching apparatus of heading no. 8517), for a voltage not exceeding 1000 volts
853720,8537,Boards, panels, consoles, desks and other bases; for electric control or the distribution of electricity, (other than switching apparatus of heading no. 8517), for a voltage exceeding 1000 volts
8538,85,Electrical apparatus; parts suitable for use solely or principally with the apparatus of heading no. 8535, 8536 and 8537
853810,8538,Electrical apparatus; parts (e.g. boards, panels, consoles, desks, cabinets, other bases), for goods of heading no. 8537, not equipped with their apparatus
853890,8538,Electrical apparatus; parts suitable for use solely or principally with the apparatus of heading no. 8535, 8536 or 8537
8539,85,Lamps; electric filament or discharge lamps, including sealed beam lamp units and ultra-violet or infra-red lamps, arc lamps, light-emitting diode (LED) light sources
853910,8539,Lamps; sealed beam units
853921,8539,Lamps; filament, (excluding ultra-violet or infra-red), tungsten halogen
853922,8539,Lamps; filament, (excluding ultra-violet or infra-red), of a power not exceeding 200W and for a voltage exceeding 100 volts, other than tungsten halogen
853929,8539,Lamps; filament, (excluding ultra-violet or infra-red), n.e.c. in item no. 8539.2
853931,8539,Lamps; discharge, (excluding ultra-violet), fluorescent, hot cathode
853932,8539,Lamps; discharge, (excluding ultra-violet), mercury or sodium vapour lamps, metal halide lamps
853939,8539,Lamps; discharge, (excluding ultra-violet, excluding fluorescent, hot cathode)
853941,8539,Lamps; arc-lamps
853949,8539,Lamps; ultra-violet or infra-red lamps, (excluding arc-lamps)
853951,8539,Lamps; light-emitting diode (LED) light sources, light-emitting diode (LED) modules
853952,8539,Lamps; light-emitting diode (LED) light sources, light-emitting diode (LED) lamps
853990,8539,Lamps; parts of the lamps of heading no. 8539
8540,85,Thermionic, cold cathode or photo-cathode valves and tubes (e.g. vacuum, vapour, gas filled valves and tubes, mercury arc rectifying valves and tubes, cathode-ray and television camera tubes)
854011,8540,Tubes; cathode-ray television picture tubes, including video monitor cathode-ray tubes, colour
854012,8540,Tubes; cathode-ray television picture tubes, including video monitor cathode-ray tubes, monochrome
854020,8540,Tubes; television camera tubes, image converters and intensifiers, other photo-cathode tubes
854040,8540,Tubes; data/graphic display tubes, monochrome; data/graphic display tubes, colour, with a phosphor dot screen pitch smaller than 0.4mm
854060,8540,Tubes; cathode ray, n.e.c. in heading no. 8540
854071,8540,Tubes; microwave, magnetrons, excluding grid-controlled tubes
854079,8540,Tubes; microwave (for example klystrons, travelling wave tubes, carlinotrons), excluding magnetrons and grid-controlled tubes
854081,8540,Valves and tubes; receiver or amplifier
854089,8540,Valves and tubes; n.e.c. in heading no. 8540
854091,8540,Tubes; parts of cathode-ray tubes
854099,8540,Valves and tubes; parts of the valves and tubes of heading no. 8540, excluding parts of cathode-ray tubes
8541,85,Semiconductor devices (e.g. diodes, transistors, semiconductor based transducers); including photovoltaic cells assembled or not in modules or panels, light-emitting diodes (LED) assembled with other LEDs or not, mounted piezo-electric crystals
854110,8541,Electrical apparatus; diodes, other than photosensitive or light-emitting diodes (LED)
854121,8541,Electrical apparatus; transistors, (other than photosensitive), with a dissipation rate of less than 1W
854129,8541,Electrical apparatus; transistors, (other than photosensitive), with a dissipation rate of 1W or more
854130,8541,Electrical apparatus; thyristors, diacs and triacs, other than photosensitive devices
854141,8541,Electrical apparatus; photosensitive semiconductor devices, light emitting diodes (LED)
854142,8541,Electrical apparatus; photosensitive semiconductor devices, photovoltaic cells not assembled in modules or made up into panels
854143,8541,Electrical apparatus; photosensitive semiconductor devices, photovoltaic cells assembled in modules or made up into panels
854149,8541,Electrical apparatus; photosensitive semiconductor devices, diodes other than light emitting diodes and photovoltaic cells whether or not assembled in modules or made up into panels
854151,8541,Electrical apparatus; photosensitive semiconductor devices, semiconductor-based transducers
854159,8541,Electrical apparatus; photosensitive semiconductor devices n.e.c. in heading no. 8541
854160,8541,Crystals; mounted piezo-electric
854190,8541,Electrical apparatus; parts for diodes, transistors and similar semiconductor devices and photosensitive semiconductor devices
8542,85,Electronic integrated circuits
854231,8542,Electronic integrated circuits; processors and controllers, whether or not combined with memories, converters, logic circuits, amplifiers, clock and timing circuits, or other circuits
854232,8542,Electronic integrated circuits; memories
854233,8542,Electronic integrated circuits; amplifiers
854239,8542,Electronic integrated circuits; n.e.c. in heading no. 8542
854290,8542,Parts of electronic integrated circuits
8543,85,Electrical machines and apparatus; having individual functions, not specified or included elsewhere in this chapter
854310,8543,Electrical machines and apparatus; particle accelerators
854320,8543,Electrical machines and apparatus; signal generators
854330,8543,Electrical machines and apparatus; for electroplating, electrolysis or electrophoresis
854340,8543,Electrical machines and apparatus; electronic cigarettes and similar personal electric vaporising devices
854370,8543,Electrical machines and apparatus; having individual functions, not specified or included elsewhere in this chapter, n.e.c. in heading no. 8543
854390,8543,Electrical machines and apparatus; parts of the electrical goods of heading no. 8543
8544,85,Insulated wire, cable and other electric conductors, connector fitted or not; optical fibre cables of individually sheathed fibres, whether or not assembled with electric conductors or fitted with connectors
854411,8544,Insulated electric conductors; winding wire, of copper
854419,8544,Insulated electric conductors; winding wire, (of other than copper)
854420,8544,Insulated electric conductors; co-axial cable and other co-axial electric conductors
854430,8544,Insulated electric conductors; ignition wiring sets and other wiring sets of a kind used in vehicles, aircraft or ships
854442,8544,Insulated electric conductors; for a voltage not exceeding 1000 volts, fitted with connectors
854449,8544,Insulated electric conductors; for a voltage not exceeding 1000 volts, not fitted with connectors
854460,8544,Insulated electric conductors; for a voltage exceeding 1000 volts
854470,8544,Insulated electric conductors; optical fibre cables
8545,85,Carbon electrodes, carbon brushes, lamp carbons, battery carbons and other articles of graphite or other carbon; with or without metal, of a kind used for electrical purposes
854511,8545,Carbon electrodes; with or without metal, of a kind used for furnaces
854519,8545,Carbon electrodes; with or without metal, of a kind used for other than furnaces
854520,8545,Carbon brushes; with or without metal, used for electrical purposes
854590,8545,Carbon; lamp carbons, battery carbons and other articles of graphite or other carbon, with or without metal, of a kind used for electrical purposes
8546,85,Electrical insulators of any material
854610,8546,Electrical insulators; of glass
854620,8546,Electrical insulators; of ceramics
854690,8546,Electrical insulators; other than of glass and ceramics
8547,85,Insulating fittings; for electrical machines, appliances, equipment, excluding insulators of heading no. 8546, electrical conduit tubing and joints therefore
854710,8547,Insulating fittings; of ceramics, for electrical machines, of insulating material only (except minor assembly parts), excluding those of heading no. 8546
854720,8547,Insulating fittings; of plastics, for electrical machines, of insulating material only (except minor assembly parts), excluding those of heading no. 8546
854790,8547,Insulating fittings; (other than of ceramics or plastics), for electrical machines, appliances and equipment, excluding insulators of heading no. 8546
8548,85,Electrical parts of machinery or apparatus; not specified or elsewhere included in this chapter
854800,8548,Electrical parts of machinery or apparatus; not specified or elsewhere included in this chapter
8549,85,Electrical and electronic waste and scrap
854911,8549,Waste and scrap of lead-acid accumulators; spent lead-acid accumulators
854912,8549,Waste and scrap; of primary cells, primary batteries and electric accumulators, spent or not, containing lead, cadmium or mercury, other than lead-acid accumulators
854913,8549,Waste and scrap; of primary cells, primary batteries and electric accumulators, spent or not, sorted by chemical type and not containing lead, cadmium or mercury
854914,8549,Waste and scrap; of primary cells, primary batteries and electric accumulators, spent or not, unsorted and not containing lead, cadmium or mercury
854919,8549,Waste and scrap; of primary cells, primary batteries and electric accumulators, n.e.c. in item no 8549.1
854921,8549,Electrical and electronic waste and scrap; of a kind used principally for the recovery of precious metal, containing primary cells and batteries, electric accumulators, mercury-switches, glass from cathode ray tubes or other activated glass, or electrical
854929,8549,Waste and scrap; of a kind used principally for the recovery of precious metal n.e.c. in item no 8549.21
854931,8549,Electrical and electronic waste and scrap; electrical and electronic assemblies and printed circuit boards, other than those used principally for the recovery of precious metal, containing primary cells and batteries, electric accumulators, mercury-switch
854939,8549,Waste and scrap; electrical and electronic assemblies and printed circuit boards, other than those used principally for the recovery of precious metal n.e.c. in item no 8549.31
854991,8549,Waste and scrap; n.e.c. in heading no 8549
854999,8549,Waste and scrap; n.e.c. in item no 8549.91
86,XVII,Railway, tramway locomotives, rolling-stock and parts thereof; railway or tramway track fixtures and fittings and parts thereof; mechanical (including electro-mechanical) traffic signalling equipment of all kinds
8601,86,Rail locomotives; powered from an external source of electricity or by electric accumulators
860110,8601,Rail locomotives; powered from an external source of electricity
860120,8601,Rail locomotives; powered by electric accumulators
8602,86,Rail locomotives; (other than those of heading no. 8601), locomotive tenders
860210,8602,Rail locomotives; diesel-electric powered
860290,8602,Rail locomotives and locomotive tenders; other than diesel-electric powered
8603,86,Railway or tramway coaches, vans and trucks; self-propelled tenders, other than those of heading no. 8604
860310,8603,Railway or tramway coaches, vans and trucks; self-propelled, powered from an external source of electricity (excluding those of heading no. 8604)
860390,8603,Railway or tramway coaches, vans and trucks; self-propelled, powered other than from an external source of electricity (excluding those of heading no. 8604)
8604,86,Railway or tramway maintenance or service vehicles; whether or not self-propelled (e.g. workshops, cranes, ballast tampers, trackliners, testing coaches and track inspection vehicles)
860400,8604,Railway or tramway maintenance or service vehicles; whether or not self-propelled (e.g. workshops, cranes, ballast tampers, trackliners, testing coaches and track inspection vehicles)
8605,86,Railway or tramway coaches; passenger coaches, luggage vans, post office coaches and other special purpose railway or tramway coaches, not self-propelled (excluding those of heading no. 8604)
860500,8605,Railway or tramway coaches; passenger coaches, luggage vans, post office coaches and other special purpose railway or tramway coaches, not self-propelled (excluding those of heading no. 8604)
8606,86,Railway or tramway goods vans and wagons; not self-propelled
860610,8606,Railway or tramway goods vans and wagons; tank wagons and the like, not self-propelled
860630,8606,Railway or tramway goods vans and wagons; self-discharging, not self-propelled, excluding those of item no. 8606.10
860691,8606,Railway or tramway goods vans and wagons; covered and closed, not self-propelled
860692,8606,Railway or tramway goods vans and wagons; open, with non-removable sides of a height exceeding 60cm, not self-propelled
860699,8606,Railway or tramway goods vans and wagons; n.e.c. in heading no. 8606, not self-propelled
8607,86,Railway or tramway locomotives or rolling stock; parts thereof
860711,8607,Railway or tramway locomotives or rolling stock; parts, driving bogies and bissel-bogies
860712,8607,Railway or tramway locomotives or rolling stock; parts, bogies and bissel-bogies (excluding driving bogies and bissel-bogies)
860719,8607,Railway or tramway locomotives or rolling stock; parts, axles and wheels, and parts thereof
860721,8607,Railway or tramway locomotives or rolling stock; parts, air brakes and parts thereof
860729,8607,Railway or tramway locomotives or rolling stock; parts, brakes (other than air brakes) and parts thereof
860730,8607,Railway or tramway locomotives or rolling stock; parts, hooks and other coupling devices, buffers and parts thereof
860791,8607,Railway or tramway locomotives; parts n.e.c. in heading no. 8607
860799,8607,Railway or tramway rolling stock; parts n.e.c. in heading no. 8607
8608,86,Railway or tramway track fixtures and fittings; mechanical (including electro-mechanical) signalling, safety or traffic control equipment for railways, tramways, roads, inland waterways, parking facilities, port installations or airfields; parts thereof
860800,8608,Railway or tramway track fixtures and fittings; mechanical (including electro-mechanical) signalling, safety or traffic control equipment for railways, tramways, roads, inland waterways, parking facilities, port installations or airfields; parts thereof
8609,86,Containers; (including containers for transport of fluids) specially designed and equipped for carriage by one or more modes of transport
860900,8609,Containers; (including containers for transport of fluids) specially designed and equipped for carriage by one or more modes of transport
87,XVII,Vehicles; other than railway or tramway rolling stock, and parts and accessories thereof
8701,87,Tractors; (other than tractors of heading no 8709)
870110,8701,Tractors; single axle
870121,8701,Tractors; road tractors for semi-trailers, with only compression-ignition internal combustion piston engine (diesel or semi-diesel)
870122,8701,Tractors; road tractors for semi-trailers, with both compression-ignition internal combustion piston engine (diesel or semi-diesel) and electric motors for propulsion
870123,8701,Tractors; road tractors for semi-trailers, with both spark-ignition internal combustion piston engine and electric motors for propulsion
870124,8701,Tractors; road tractors for semi-trailers, with only electric motors for propulsion
870129,8701,Tractors; road tractors for semi-trailers, with other propulsion methods n.e.c. in item no 8701.2
870130,8701,Tractors; track-laying
870191,8701,Tractors; n.e.c. in heading no 8701 (other than tractors of heading no 8709); of an engine power not exceeding 18kW
870192,8701,Tractors; n.e.c. in heading no 8701 (other than tractors of heading no 8709); of an engine power exceeding 18kW but not exceeding 37kW
870193,8701,Tractors; n.e.c. in heading no 8701 (other than tractors of heading no 8709); of an engine power exceeding 37kW but not exceeding 75kW
870194,8701,Tractors; n.e.c. in heading no 8701 (other than tractors of heading no 8709); of an engine power exceeding 75kW but not exceeding 130kW
870195,8701,Tractors; n.e.c. in heading no 8701 (other than tractors of heading no 8709); of an engine power exceeding 130kW
8702,87,Vehicles; public transport passenger type
870210,8702,Vehicles; public transport type (carries 10 or more persons, including driver), with only compression-ignition internal combustion piston engine (diesel or semi-diesel), new or used
870220,8702,Vehicles; public transport type (carries 10 or more persons, including driver), with both compression-ignition internal combustion piston engine (diesel or semi-diesel) and electric motor for propulsion, new or used
870230,8702,Vehicles; public transport type (carries 10 or more persons, including driver), with both compression-ignition internal combustion piston engine (diesel or semi-diesel) and electric motor for propulsion, new or used
870240,8702,Vehicles; public transport type (carries 10 or more persons, including driver), with only electric motor for propulsion, new or used
870290,8702,Vehicles; public transport type (carries 10 or more persons, including driver), n.e.c. in heading 8702, new or used
8703,87,Motor cars and other motor vehicles; principally designed for the transport of persons (other than those of heading no. 8702), including station wagons and racing cars
870310,8703,Vehicles; specially designed for travelling on snow, golf cars and similar vehicles
870321,8703,Vehicles; with only spark-ignition internal combustion piston engine, cylinder capacity not over 1000cc
870322,8703,Vehicles; with only spark-ignition internal combustion piston engine, cylinder capacity over 1000 but not over 1500cc
870323,8703,Vehicles; with only spark-ignition internal combustion reciprocating piston engine, cylinder capacity over 1500 but not over 3000cc
870324,8703,Vehicles; with only spark-ignition internal combustion reciprocating piston engine, cylinder capacity over 3000cc
870331,8703,Vehicles; with only compression-ignition internal combustion piston engine (diesel or semi-diesel), cylinder capacity not over 1500cc
870332,8703,Vehicles; with only compression-ignition internal combustion piston engine (diesel or semi-diesel), cylinder capacity over 1500 but not over 2500cc
870333,8703,Vehicles; with only compression-ignition internal combustion piston engine (diesel or semi-diesel), cylinder capacity over 2500cc
870340,8703,Vehicles; with both spark-ignition internal combustion piston engine and electric motor for propulsion, incapable of being charged by plugging to external source of electric power
870350,8703,Vehicles; with both compression-ignition internal combustion piston engine (diesel or semi-diesel) and electric motor for propulsion, incapable of being charged by plugging to external source of electric power
870360,8703,Vehicles; with both spark-ignition internal combustion piston engine and electric motor for propulsion, capable of being charged by plugging to external source of electric power
870370,8703,Vehicles; with both compression-ignition internal combustion piston engine (diesel or semi-diesel) and electric motor for propulsion, capable of being charged by plugging to external source of electric power
870380,8703,Vehicles; with only electric motor for propulsion
870390,8703,Vehicles; for transport of persons (other than those of heading no. 8702) n.e.c. in heading no. 8703
8704,87,Vehicles; for the transport of goods
870410,8704,Vehicles; dumpers, designed for off-highway use, for transport of goods
870421,8704,Vehicles; with only compression-ignition internal combustion piston engine (diesel or semi-diesel), for transport of goods, (of a gvw not exceeding 5 tonnes), n.e.c. in item no 8704.1
870422,8704,Vehicles; with only compression-ignition internal combustion piston engine (diesel or semi-diesel), for transport of goods, (of a g.v.w. exceeding 5 tonnes but not exceeding 20 tonnes), n.e.c. in item no 8704.1
870423,8704,Vehicles; with only compression-ignition internal combustion piston engine (diesel or semi-diesel), for transport of goods, (of a g.v.w. exceeding 20 tonnes), n.e.c. in item no 8704.1
870431,8704,Vehicles; with only spark-ignition internal combustion piston engine, for transport of goods, (of a g.v.w. not exceeding 5 tonnes), n.e.c. in item no 8704.1
870432,8704,Vehicles; with only spark-ignition internal combustion piston engine, for transport of goods, (of a g.v.w. exceeding 5 tonnes), n.e.c. in item no 8704.1
870441,8704,Vehicles; with both compression-ignition internal combustion piston engine (diesel/semi-diesel) and electric motor as motor for propulsion, unassembled as in section 14, (gvw not exceeding 5000kg), for the transport of goods, vans
870442,8704,Vehicles; with both compression-ignition internal combustion piston engine (diesel/semi-diesel) and electric motors for propulsion, of a g.v.w. exceeding 5,000kg but not exceeding 20,000kg
870443,8704,Vehicles; with both compression-ignition internal combustion piston engine (diesel/semi-diesel) and electric motors for propulsion, of a g.v.w. exceeding 20,000kg
870451,8704,Vehicles; with both spark-ignition internal combustion piston engine and electric motors for propulsion, of a g.v.w. not exceeding 5,000kg
870452,8704,Vehicles; with both spark-ignition internal combustion piston engine and electric motors for propulsion, of a g.v.w. exceeding 5,000kg
870460,8704,Vehicles; with only electric motor for propulsion
870490,8704,Vehicles; for transport of goods, n.e.c. in heading no. 8704
8705,87,Special purpose motor vehicles; not those for the transport of persons or goods (e.g. breakdown lorries, road sweeper lorries, spraying lorries, mobile workshops, mobile radiological units etc)
870510,8705,Vehicles; crane lorries
870520,8705,Vehicles; mobile drilling derricks
870530,8705,Vehicles; fire fighting vehicles
870540,8705,Vehicles; concrete-mixer lorries
870590,8705,Vehicles; break-down lorries, road-sweepers, spraying lorries, mobile workshops, mobile radiological units, and other special purpose vehicles n.e.c. in heading no. 8705
8706,87,Chassis; fitted with engines, for the motor vehicles of heading no. 8701 to 8705
870600,8706,Chassis; fitted with engines, for the motor vehicles of heading no. 8701 to 8705
8707,87,Bodies; (including cabs) for the motor vehicles of heading no. 8701 to 8705
870710,8707,Vehicles; bodies (including cabs) for the motor vehicles of heading no. 8703
870790,8707,Vehicles; bodies (including cabs) for the motor vehicles of heading no. 8701, 8702, 8704 or 8705
8708,87,Motor vehicles; parts and accessories, of heading no. 8701 to 8705
870810,8708,Vehicles; bumpers and parts thereof, for the vehicles of heading no. 8701 to 8705
870821,8708,Vehicles; parts of bodies, safety seat belts
870822,8708,Vehicles; parts and accessories, front windscreens (windshields), rear windows and other windows specified in subheading note 1 to this chapter
870829,8708,Vehicles; parts and accessories, of bodies, other than safety seat belts
870830,8708,Vehicle parts; brakes, servo-brakes and parts thereof
870840,8708,Vehicle parts; gear boxes and parts thereof
870850,8708,Vehicle parts; drive-axles with differential, whether or not provided with other transmission components, and non-driving axles; parts thereof
870870,8708,Vehicle parts; road wheels and parts and accessories thereof
870880,8708,Vehicle parts; suspension systems and parts thereof (including shock-absorbers)
870891,8708,Vehicle parts; radiators and parts thereof
870892,8708,Vehicle parts; silencers (mufflers) and exhaust pipes; parts thereof
870893,8708,Vehicle parts; clutches and parts thereof
870894,8708,Vehicle parts; steering wheels, steering columns and steering boxes; parts thereof
870895,8708,Vehicle parts; safety airbags with inflater system; parts thereof
870899,8708,Vehicle parts and accessories; n.e.c. in heading no. 8708
8709,87,Works trucks, self-propelled, (not fitted with lifting or handling equipment), for factories, warehouses etc, for short distance transport of goods, tractors used on railway station platforms; parts thereof
870911,8709,Vehicles; electrical, self-propelled, (not fitted with lifting or handling equipment), of the type used for short distance transport of goods in factories, warehouses, dock areas or airports
870919,8709,Vehicles; (not electrical), self-propelled, without handling equipment, used for short distance transport of goods in factories, airports and such, and tractors of the type used on railway station platforms
870990,8709,Vehicles; parts of the vehicles of heading no. 8709
8710,87,Tanks and other armoured fighting vehicles; motorised, whether or not fitted with weapons, and parts of such vehicles
871000,8710,Tanks and other armoured fighting vehicles; motorised, whether or not fitted with weapons, and parts of such vehicles
8711,87,Motorcycles (including mopeds) and cycles; fitted with an auxiliary motor, with or without side-cars; side-cars
871110,8711,Motorcycles (including mopeds) and cycles; fitted with an auxiliary motor, with internal combustion piston engine of a cylinder capacity not exceeding 50cc, with or without side-cars; side-cars
871120,8711,Motorcycles (including mopeds) and cycles; fitted with an auxiliary motor, internal combustion piston engine, of cylinder capacity exceeding 50cc but not exceeding 250cc, with or without side-cars; side-cars
871130,8711,Motorcycles (including mopeds) and cycles; fitted with an auxiliary motor, internal combustion piston engine, of cylinder capacity exceeding 250cc but not exceeding 500cc, with or without side-cars; side-cars
871140,8711,Motorcycles (including mopeds) and cycles; fitted with auxiliary motor, internal combustion piston engine of cylinder capacity exceeding 500cc but not exceeding 800cc, with or without sidecars; side-cars
871150,8711,Motorcycles (including mopeds) and cycles; fitted with auxiliary motor, with internal combustion piston engine of a cylinder capacity exceeding 800cc, with or without side-cars; side-cars
871160,8711,Motorcycles (including mopeds) and cycles; fitted with auxiliary motor, with electric motor for propulsion, with or without side-cars; side-cars
871190,8711,Motorcycles (including mopeds) and cycles; n.e.c. in heading no. 8711, fitted with auxiliary motor, with or without side-cars; side-cars
8712,87,Bicycles and other cycles; including delivery tricycles, not motorised
871200,8712,Bicycles and other cycles; including delivery tricycles, not motorised
8713,87,Carriages for disabled persons; whether or not motorised or otherwise mechanically propelled
871310,8713,Carriages for disabled persons; not mechanically propelled
871390,8713,Carriages for disabled persons; mechanically propelled
8714,87,Vehicles; parts and accessories of heading no. 8711 to 8713
871410,8714,Motorcycles (including mopeds); parts and accessories
871420,8714,Carriages for disabled persons; parts and accessories thereof
871491,8714,Cycles; frames and forks, and parts thereof
871492,8714,Cycles; parts thereof, wheel rims and spokes
871493,8714,Cycles; parts thereof, hubs (other than coaster braking hubs and hub brakes) and free-wheel sprocket-wheels
871494,8714,Cycles; parts thereof, brakes, including coaster braking hubs and hub-brakes, and parts thereof
871495,8714,Cycles; parts thereof, saddles
871496,8714,Cycles; parts, pedals and crank-gear, and parts thereof
871499,8714,Cycles; parts thereof, n.e.c. in item no. 8714.9
8715,87,Baby carriages and parts thereof
871500,8715,Baby carriages and parts thereof
8716,87,Trailers and semi-trailers; other vehicles, not mechanically propelled; parts thereof
871610,8716,Trailers and semi-trailers; of the caravan type, for housing or camping
871620,8716,Trailers and semi-trailers; self-loading or self-unloading, for agricultural purposes
871631,8716,Tanker trailers and tanker semi-trailers
871639,8716,Trailers and semi-trailers; (other than tanker type)
871640,8716,Trailers and semi-trailers; n.e.c. in item no. 8716.3
871680,8716,Vehicles; n.e.c. in heading no. 8716
871690,8716,Trailers, semi-trailers and other vehicles not mechanically propelled; parts thereof for heading no. 8716
88,XVII,Aircraft, spacecraft, and parts thereof
8801,88,Balloons and dirigibles; gliders, hang gliders and other non-powered aircraft.
880100,8801,Balloons and dirigibles; gliders, hang gliders and other non-powered aircraft.
8802,88,Aircraft n.e.c. in heading no. 8801, except unmanned aircraft of heading 8806, (e.g. helicopters, aeroplanes); spacecraft (including satellites) and suborbital and spacecraft launch vehicles
880211,8802,Helicopters, except unmanned; of an unladen weight not exceeding 2000kg
880212,8802,Helicopters, except unmanned; of an unladen weight exceeding 2000kg
880220,8802,Aeroplanes and other aircraft, except unmanned; of an unladen weight not exceeding 2000kg
880230,8802,Aeroplanes and other aircraft, except unmanned; of an unladen weight exceeding 2000kg but not exceeding 15,000kg
880240,8802,Aeroplanes and other aircraft, except unmanned; of an unladen weight exceeding 15,000kg
880260,8802,Spacecraft; (including satellites) and suborbital and spacecraft launch vehicles
8804,88,Parachutes (including dirigible parachutes and paragliders) and rotochutes; parts thereof and accessories thereto
880400,8804,Parachutes (including dirigible parachutes and paragliders) and rotochutes; parts thereof and accessories thereto
8805,88,Aircraft launching gear, deck-arrestor or similar gear, ground flying trainers; parts of the foregoing articles
880510,8805,Aircraft launching gear, deck-arrestor or similar gear and parts thereof
880521,8805,Ground flying trainers and parts thereof; air combat simulators and parts thereof
880529,8805,Ground flying trainers and parts thereof; other than air combat simulators and parts thereof
8806,88,Unmanned aircraft
880610,8806,Unmanned aircraft; for carriage of passengers
880621,8806,Unmanned aircraft; for remote-controlled flight only, for other than for carriage of passengers, with the maximum take-off weight of not more than 250g
880622,8806,Unmanned aircraft; for remote-controlled flight only, for other than for carriage of passengers, with the maximum take-off weight of more than 250g but not more than 7kg
880623,8806,Unmanned aircraft; for remote-controlled flight only, for other than for carriage of passengers, with the maximum take-off weight of more than 7kg but not more than 25kg
880624,8806,Unmanned aircraft; for remote-controlled flight only, for other than for carriage of passengers, with the maximum take-off weight of more than 25kg but not more than 150kg
880629,8806,Unmanned aircraft; for remote-controlled flight only, for other than for carriage of passengers, with the maximum take-off weight of more than 150kg
880691,8806,Unmanned aircraft; for other than remote-controlled flight and other than for carriage of passengers with a maximum take-off weight not more than 250g
880692,8806,Unmanned aircraft; for other than remote-controlled flight and other than for carriage of passengers with a maximum take-off weight more than 250g but not more than 7kg
880693,8806,Unmanned aircraft; for other than remote-controlled flight and other than for carriage of passengers with a maximum take-off weight more than 7kg but not more than 25kg
880694,8806,Unmanned aircraft; for other than remote-controlled flight and other than for carriage of passengers with a maximum take-off weight more than 25kg but not more than 150kg
880699,8806,Unmanned aircraft; for other than remote-controlled flight and other than for carriage of passengers with a maximum take-off weight more than 150kg
8807,88,Aircraft; parts of goods of heading 8801, 8802 or 8806
880710,8807,Aircraft and spacecraft; propellers and rotors and parts thereof
880720,8807,Aircraft and spacecraft; under-carriages and parts thereof
880730,8807,Aircraft and spacecraft; parts of aeroplanes, helicopters or unmanned aircraft n.e.c. in heading no. 8807
880790,8807,Aircraft and spacecraft; parts thereof n.e.c. in chapter 88
89,XVII,Ships, boats and floating structures
8901,89,Cruise ships, excursion boats, ferry-boats, cargo ships, barges and similar vessels for the transport of persons or goods
890110,8901,Cruise ships, excursion boats and similar vessels, principally designed for the transport of persons, ferry boats of all kinds
890120,8901,Tankers
890130,8901,Vessels, refrigerated; other than tankers
890190,8901,Vessels; n.e.c. in heading no. 8901, for the transport of goods and other vessels for the transport of both persons and goods
8902,89,Fishing vessels, factory ships and other vessels; for processing or preserving fishery products
890200,8902,Fishing vessels, factory ships and other vessels; for processing or preserving fishery products
8903,89,Yachts and other vessels; for pleasure or sports, rowing boats and canoes
890311,8903,Yachts and other vessels; for pleasure or sports, inflatable (including rigid hull inflatable), fitted or designed to be fitted with a motor, unladen (net) weight (excluding the motor) not exceeding 100kg
890312,8903,Yachts and other vessels; for pleasure or sports, inflatable (including rigid hull inflatable), not designed to be used with a motor and unladen (net) weight not exceeding 100kg
890319,8903,Yachts and other vessels; for pleasure or sports, inflatable (including rigid hull inflatable), unladen (net) weight exceeding 100kg
890321,8903,Sailboats; (other than inflatable) with or without auxiliary motor, for pleasure or sports, of a length not exceeding 7.5m
890322,8903,Sailboats; (other than inflatable) with or without auxiliary motor, for pleasure or sports, of a length exceeding 7.5m but not exceeding 24m
890323,8903,Sailboats; (other than inflatable) with or without auxiliary motor, for pleasure or sports, of a length exceeding 24m
890331,8903,Motorboats; (other than outboard motorboats), for pleasure or sports, other than inflatable, of a length not exceeding 7.5m
890332,8903,Motorboats; (other than outboard motorboats), for pleasure or sports, other than inflatable, of a length exceeding 7.5m but not exceeding 24m
890333,8903,Motorboats; (other than outboard motorboats), for pleasure or sports, other than inflatable, of a length exceeding 24m
890393,8903,Vessels; (other than sailboats and motorboats), for pleasure or sports, other than inflatable, of a length not exceeding 7.5m
890399,8903,Vessels; (other than sailboats and motorboats), for pleasure or sports, other than inflatable, of a length exceeding 7.5m
8904,89,Tugs and pusher craft
890400,8904,Tugs and pusher craft
8905,89,Light-vessels, fire-floats, dredgers, floating cranes, other vessels; the navigability of which is subsidiary to main function; floating docks, floating, submersible drilling, production platforms
890510,8905,Dredgers
890520,8905,Floating or submersible drilling or production platforms
890590,8905,Vessels; light, fire-floats, floating cranes and other vessels, the navigability of which is subsidiary to their main function, floating docks
8906,89,Vessels; other, including warships and lifeboats, other than rowing boats
890610,8906,Vessels; warships
890690,8906,Vessels; other, including lifeboats other than rowing boats, other than warships
8907,89,Boats, floating structures, other (for e.g. rafts, tanks, coffer-dams, landing stages, buoys and beacons)
890710,8907,Rafts; inflatable
890790,8907,Floating structures; tanks, coffer-dams, landing stages, buoys and beacons
8908,89,Vessels and other floating structures; for breaking up
890800,8908,Vessels and other floating structures; for breaking up
90,XVIII,Optical, photographic, cinematographic, measuring, checking, medical or surgical instruments and apparatus; parts and accessories
9001,90,Optical fibres and optical fibre bundles; optical fibre cables not of heading no. 8544; sheets, plates of polarising material; lenses, prisms, mirrors, of any material; unmounted; not non optical glass
900110,9001,Optical fibres, optical fibre bundles and cables; excluding those of heading no. 8544
900120,9001,Optical elements; polarising material, sheets and plates thereof
900130,9001,Lenses, contact; unmounted, of any material, excluding elements of glass not optically worked
900140,9001,Lenses, spectacle; unmounted, of glass, excluding elements of glass not optically worked
900150,9001,Lenses, spectacle; unmounted, of materials other than glass
900190,9001,Optical elements; lenses n.e.c. in heading no. 9001, prisms, mirrors and other optical elements, unmounted, of any material (excluding elements of glass not optically worked)
9002,90,Lenses, prisms, mirrors and other optical elements, of any material, mounted, being parts or fittings for instruments or apparatus, other than such elements of glass not optically worked
900211,9002,Lenses; objective, for cameras, projectors or photographic enlargers or reducers, mounted, being parts or fittings for instruments or apparatus, of any material (excluding glass not optically worked)
900219,9002,Lenses; objective, (other than for cameras, projectors or photographic enlargers or reducers), mounted, of any material (excluding elements of glass not optically worked)
900220,9002,Filters; mounted as parts or fittings for instruments or apparatus, of any material (excluding elements of glass not optically worked)
900290,9002,Optical elements; n.e.c. in heading no. 9002 (e.g. prisms and mirrors), mounted, being parts or fittings for instruments or apparatus, of any material (excluding elements of glass not optically worked)
9003,90,Frames and mountings; for spectacles, goggles or the like, and parts
900311,9003,Frames and mountings; for spectacles, goggles or the like, of plastics
900319,9003,Frames and mountings; for spectacles, goggles or the like, of materials other than plastics
900390,9003,Frames and mountings; parts for spectacles, goggles or the like
9004,90,Spectacles, goggles and the like; corrective, protective or other
900410,9004,Sunglasses; corrective, protective or other
900490,9004,Spectacles, goggles and the like; (other than sunglasses) corrective, protective or other
9005,90,Binoculars, monoculars, other optical telescopes, mountings therefore; other astronomical instruments, mountings therefore, but not including instruments for radio-astronomy
900510,9005,Binoculars
900580,9005,Monoculars; other optical telescopes and astronomical instruments, excluding instruments for radio-astronomy
900590,9005,Binoculars, monoculars, other optical telescopes, astronomical instruments (excluding those of radio-astronomy); parts and accessories (including mountings)
9006,90,Cameras, photographic (excluding cinematographic); photographic flashlight apparatus and flashbulbs other than discharge lamps of heading no. 8539
900630,9006,Cameras, photographic (excluding cinematographic); specially designed for underwater use, aerial survey, medical or surgical examination of internal organs; comparison cameras for forensic or criminological use
900640,9006,Cameras, photographic (excluding cinematographic); instant print cameras
900653,9006,Cameras, photographic (excluding cinematographic), for roll film of a width of 35mm
900659,9006,Cameras, photographic (excluding cinematographic); n.e.c. in heading no 9006
900661,9006,Photographic flashlight apparatus; discharge lamp (electronic)
900669,9006,Photographic flashlight apparatus; n.e.c. in heading no. 9006
900691,9006,Cameras, photographic (excluding cinematographic); parts and accessories
900699,9006,Photographic flashlight apparatus; parts and accessories, for other than cameras
9007,90,Cinematographic cameras and projectors, whether or not incorporating sound recording or reproducing apparatus
900710,9007,Cameras, cinematographic; whether or not incorporating sound recording apparatus
900720,9007,Projectors, cinematographic; whether or not incorporating sound recording or reproducing apparatus
900791,9007,Cameras, cinematographic; parts and accessories, whether or not incorporating sound recording apparatus
900792,9007,Projectors, cinematographic; parts and accessories, whether or not incorporating sound reproducing apparatus
9008,90,Image projectors, other than cinematographic; photographic (other than cinematographic) enlargers and reducers
900850,9008,Image projectors, photographic enlargers and reducers, excluding cinematographic
900890,9008,Photographic (other than cinematographic) image projectors, enlargers, and reducers; parts and accessories
9010,90,Photographic (including cinematographic) laboratory apparatus and equipment, n.e.c. in chapter 90; negatoscopes; projection screens
901010,9010,Photographic laboratory apparatus and equipment; for automatically developing photographic (including cinematographic) film or paper in rolls or for automatically exposing developed film to rolls of paper
901050,9010,Photographic laboratory apparatus and equipment; n.e.c. in item no. 9010.10, for photographic (including cinematographic) laboratories; negatoscopes
901060,9010,Photographic laboratory apparatus and equipment (including cinematographic); projection screens
901090,9010,Photographic laboratory apparatus and equipment (including cinematographic); parts and accessories
9011,90,Microscopes, compound optical; including those for photomicrography, cinephotomicrography or microprojection
901110,9011,Microscopes, compound optical; stereoscopic microscopes
901120,9011,Microscopes, compound optical; for photomicrography, cinephotomicrography or microprojection
901180,9011,Microscopes, compound optical; (other than stereoscopic and microscopes for photomicrography, cinephotomicrography or microprojection)
901190,9011,Microscopes, compound optical; parts and accessories (including those for photomicrography, cinephotomicrography or microprojection)
9012,90,Microscopes (excluding optical microscopes); diffraction apparatus
901210,9012,Microscopes (excluding optical microscopes); diffraction apparatus
901290,9012,Microscopes (excluding optical microscopes); diffraction apparatus; parts and accessories
9013,90,Lasers, other than laser diodes; other optical appliances and instruments n.e.c. in this chapter
901310,9013,Optical appliances and instruments; telescopic sights for fitting to arms; periscopes; telescopes designed to form parts of machines, appliances, instruments or apparatus of this chapter
901320,9013,Lasers; other than laser diodes
901380,9013,Optical devices, appliances and instruments; n.e.c. in heading no. 9013
901390,9013,Optical appliances and instruments; parts and accessories for articles of heading no. 9013
9014,90,Navigational instruments and appliances; direction finding compasses
901410,9014,Navigational instruments and appliances; direction finding compasses
901420,9014,Navigational instruments and appliances; for aeronautical or space navigation (excluding compasses)
901480,9014,Navigational instruments and appliances; for navigation other than aeronautical or space navigation (excluding direction finding compasses)
901490,9014,Navigational instruments and appliances; parts and accessories
9015,90,Surveying (including photogrammetrical surveying), hydrographic, oceanographic, hydrological, meteorological or geophysical instruments and appliances, excluding compasses, rangefinders
901510,9015,Rangefinders
901520,9015,Surveying equipment; theodolites and tachymeters (tacheometers)
901530,9015,Surveying equipment; levels
901540,9015,Surveying equipment; photogrammetrical surveying instruments and appliances
901580,9015,Surveying equipment; articles n.e.c. in heading no. 9015, including hydrographic, oceanographic, hydrological, meteorological or geophysical instruments and appliances (excluding compasses)
901590,9015,Surveying equipment; parts and accessories for articles of heading no. 9015
9016,90,Balances; of a sensitivity of 5cg or better, with or without weights
901600,9016,Balances; of a sensitivity of 5cg or better, with or without weights
9017,90,Drawing, marking-out, mathematical calculating instruments (drafting machines, protractors, drawing sets etc); instruments for measuring length (e.g. measuring rods, tapes, micrometers, callipers) n.e.c.
901710,9017,Drafting tables and machines; whether or not automatic
901720,9017,Drawing, marking-out or mathematical calculating instruments
901730,9017,Mathematical equipment; micrometers, callipers and gauges
901780,9017,Mathematical instruments and equipment; n.e.c. in heading no. 9017
901790,9017,Drawing, marking-out equipment and mathematical instruments; parts and accessories
9018,90,Instruments and appliances used in medical, surgical, dental or veterinary sciences, including scintigraphic apparatus, other electro-medical apparatus and sight testing instruments
901811,9018,Medical, surgical instruments and appliances; electro-cardiographs
901812,9018,Medical, surgical instruments and appliances; ultrasonic scanning apparatus
901813,9018,Medical, surgical instruments and appliances; magnetic resonance imaging apparatus
901814,9018,Medical, surgical instruments and appliances; scintigraphic apparatus
901819,9018,Medical, surgical instruments and appliances; electro-diagnostic apparatus (including apparatus for functional exploratory examination or for checking physiological parameters), n.e.c. in item no. 9018.1
901820,9018,Medical, surgical instruments and appliances; ultra-violet or infra-red ray apparatus
901831,9018,Medical, surgical instruments and appliances; syringes, with or without needles
901832,9018,Medical, surgical instruments and appliances; tubular metal needles and needles for sutures
901839,9018,Medical, surgical instruments and appliances; catheters, cannulae and the like
901841,9018,Dental instruments and appliances; dental drill engines, whether or not combined on a single base with other dental equipment
901849,9018,Dental instruments and appliances; other than dental drill engines
901850,9018,Ophthalmic instruments and appliances
901890,9018,Medical, surgical or dental instruments and appliances; n.e.c. in heading no. 9018
9019,90,Mechano-therapy, massage appliances; psychological aptitude testing apparatus; ozone, oxygen, aerosol therapy, artificial respiration or other therapeutic respiration apparatus
901910,9019,Mechano-therapy appliances; massage apparatus and psychological aptitude-testing apparatus
901920,9019,Therapeutic respiration apparatus; ozone, oxygen, aerosol therapy apparatus; artificial respiration or other therapeutic respiration apparatus
9020,90,Breathing appliances and gas masks; excluding protective masks having neither mechanical parts nor replaceable filters and excluding apparatus of item no. 9019.20
902000,9020,Breathing appliances and gas masks; excluding protective masks having neither mechanical parts nor replaceable filters and excluding apparatus of item no. 9019.20
9021,90,Orthopaedic appliances; including crutches, surgical belts and trusses; splints and other fracture appliances; artificial parts of the body; hearing aids and other which are worn, carried or implanted in the body to compensate for a defect or disability
902110,9021,Orthopaedic or fracture appliances
902121,9021,Dental fittings; artificial teeth
902129,9021,Dental fittings; other than artificial teeth
902131,9021,Artificial parts of the body
902139,9021,Artificial parts of the body; excluding artificial joints
902140,9021,Hearing aids (excluding parts and accessories)
902150,9021,Pacemakers; for stimulating heart muscles (excluding parts and accessories)
902190,9021,Appliances; worn, carried or implanted in the body, to compensate for a defect or disability
9022,90,Apparatus based on the use of x-rays or of alpha, beta, gamma or other ionising radiations, whether or not for medical, surgical, dental or veterinary uses, including radiography or radiotherapy apparatus, x-ray tubes and other x-ray generators, high tens
902212,9022,Apparatus based on the use of x-rays; including radiography or radiotherapy apparatus, whether or not for medical, surgical, dental or veterinary uses, computed tomography apparatus
902213,9022,Apparatus based on the use of x-rays; including radiography or radiotherapy apparatus, for dental uses, excluding computed tomography apparatus
902214,9022,Apparatus based on the use of x-rays; including radiography or radiotherapy apparatus, for medical, surgical or veterinary uses, not dental uses, excluding computed tomography apparatus
902219,9022,Apparatus based on the use of x-rays, including radiography or radiotherapy apparatus; for other than medical, surgical, dental or veterinary uses
902221,9022,Apparatus based on the use of alpha, beta, gamma or other ionising radiations, including radiography or radiotherapy apparatus; for medical, surgical, dental or veterinary uses
902229,9022,Apparatus based on the use of alpha, beta, gamma or other ionising radiations, including radiography or radiotherapy apparatus; (for other than medical, surgical, dental or veterinary uses)
902230,9022,X-ray tubes
902290,9022,Apparatus based on use of x-rays and similar; parts and accessories (x-ray generators, tubes, high tension generators, control panels and desks, screens, examination or treatment tables, chairs and like
9023,90,Instruments, apparatus and models, designed for demonstrational purposes (in education or exhibitions), unsuitable for other uses
902300,9023,Instruments, apparatus and models; designed for demonstrational purposes (in education or exhibitions), unsuitable for other uses
9024,90,Machines and appliances for testing the hardness, strength, compressibility, elasticity of other mechanical properties of materials (e.g. metals, wood, textiles, paper, plastics)
902410,9024,Machines and appliances; for testing the hardness, strength, compressibility, elasticity or other mechanical properties of metals
902480,9024,Machines and appliances; for testing the hardness, strength, compressibility, elasticity or other mechanical properties of materials other than metals
902490,9024,Machines and appliances; parts and accessories for those testing hardness, strength, compressibility, elasticity or other mechanical properties of materials (e.g. metal, wood, textiles, paper, plastics)
9025,90,Hydrometers and similar floating instruments, thermometers, pyrometers, barometers, hygrometers and psychrometers, recording or not
902511,9025,Thermometers and pyrometers; liquid filled, for direct reading, not combined with other instruments
902519,9025,Thermometers and pyrometers; (other than liquid filled, for direct reading), not combined with other instruments
902580,9025,Hydrometers and similar floating instruments, barometers, hygrometers, psychrometers, thermometers, pyrometers; recording or not, any combination of these instruments (excluding thermometers and barometers not combined with other instruments)
902590,9025,Hydrometers and similar floating instruments, barometers, hygrometers, psychrometers, thermometers, pyrometers; recording or not, any combination of these instruments, parts and accessories
9026,90,Instruments, apparatus for measuring or checking the flow, level, pressure of liquids, gases (e.g. flow meters, heat meters etc), not instruments and apparatus of heading no. 9014, 9015, 9028 or 9032
902610,9026,Instruments and apparatus; for measuring or checking the flow or level of liquids
902620,9026,Instruments and apparatus; for measuring or checking pressure
902680,9026,Instruments and apparatus; for measuring or checking variables of liquids or gases (excluding pressure or the flow and level of liquids and those of heading no. 9014, 9015, 9028 and 9032)
902690,9026,Instruments and apparatus; parts and accessories for those measuring or checking the flow, level, pressure or other variables of liquids or gases (excluding those of heading no. 9014, 9015, 9028 or 9032)
9027,90,Instruments and apparatus; for physical or chemical analysis (e.g. polarimeters, spectrometers), for measuring or checking viscosity, porosity, etc, for measuring quantities of heat, sound or light
902710,9027,Instruments and apparatus; gas or smoke analysis apparatus, for physical or chemical analysis
902720,9027,Chromatographs and electrophoresis instruments
902730,9027,Spectrometers, spectrophotometers and spectrographs; using optical radiations (UV, visible, IR)
902750,9027,Instruments and apparatus; using optical radiations (UV, visible, IR), (other than spectrometers, spectrophotometers and spectrographs)
902781,9027,Instruments and apparatus; for physical or chemical analysis, for measuring or checking viscosity, porosity, expansion, surface tension or quantities of heat, sound or light, mass spectrometers
902789,9027,Instruments and apparatus; for physical or chemical analysis, for measuring or checking viscosity, porosity, expansion, surface tension or quantities of heat, sound or light, exposure meters
902790,9027,Microtomes and parts and accessories thereof
9028,90,Gas, liquid or electricity supply or production meters, including calibrating meters therefor
902810,9028,Meters; gas, supply or production meters, including calibrating meters thereof
902820,9028,Meters; liquid supply or production meters, including calibrating meters thereof
902830,9028,Meters; electricity supply or production meters, including calibrating meters thereof
902890,9028,Meters; parts and accessories of gas, liquid, electricity supply or production meters, including calibrating meters thereof
9029,90,Revolution counter, production counters, taximeters, mileometers, pedometers and the like, speed indicators and tachometers, other than those of heading no. 9015, stroboscopes
902910,9029,Meters and counters; revolution counters, production counters, taximeters, mileometers, pedometers and the like
902920,9029,Meters; speed indicators and tachometers; stroboscopes
902990,9029,Meters and counters; parts and accessories for revolution and production counters, taximeters, mileometers, pedometers and the like; speed indicators, tachometers (excluding heading no. 9015), stroboscopes
9030,90,Instruments, apparatus for measuring, checking electrical quantities not meters of heading no. 9028; instruments, apparatus for measuring or detecting alpha, beta, gamma, x-ray, cosmic and other radiations
903010,9030,Instruments and apparatus; for measuring or detecting ionising radiations
903020,9030,Oscilloscopes and oscillographs
903031,9030,Multimeters; for measuring or checking voltage, current, resistance or power (other than those for measuring or checking semiconductor wafer or devices), without a recording device
903032,9030,Multimeters; for measuring or checking voltage, current, resistance or power, with a recording device
903033,9030,Instruments and apparatus; for measuring or checking voltage, current, resistance or power, without a recording device (excluding multimeters)
903039,9030,Instruments and apparatus; for measuring or checking voltage, current, resistance or power, with a recording device (excluding multimeters)
903040,9030,Instruments and apparatus; specially designed for telecommunications (e.g. cross-talk meters, gain measuring instruments, distortion factor meters, psophometers)
903082,9030,Instruments and apparatus; for measuring or checking semiconductor wafers or devices (including integrated circuits)
903084,9030,Instruments and apparatus; n.e.c. in heading no. 9030, with a recording device
903089,9030,Instruments and apparatus; n.e.c. in heading no. 9030, without a recording device
903090,9030,Instruments, apparatus for measuring, checking electrical quantities, not meters of heading no. 9028; parts and accessories, for measuring or detecting alpha, beta, gamma, x-ray, cosmic and other radiations
9031,90,Measuring or checking instruments, appliances and machines, n.e.c. or included in this chapter; profile projectors
903110,9031,Machines; for balancing mechanical parts
903120,9031,Test benches
903141,9031,Optical instruments and appliances; for inspecting semiconductor wafers or devices or for inspecting photomasks or reticles used in manufacturing semiconductor devices, n.e.c. in chapter 90
903149,9031,Optical instruments and appliances; for measuring or checking, n.e.c. in chapter 90
903180,9031,Instruments, appliances and machines; for measuring or checking n.e.c. in chapter 90
903190,9031,Instruments, appliances and machines; parts and accessories for those measuring or checking devices of heading no. 9031
9032,90,Regulating or controlling instruments and apparatus; automatic type
903210,9032,Regulating or controlling instruments and apparatus; automatic type, thermostats
903220,9032,Regulating or controlling instruments and apparatus; automatic, manostats
903281,9032,Regulating or controlling instruments and apparatus; automatic, hydraulic or pneumatic
903289,9032,Regulating or controlling instruments and apparatus; automatic, other than hydraulic or pneumatic
903290,9032,Regulating or controlling instruments and apparatus; automatic, parts and accessories
9033,90,Machines and appliances, instruments or apparatus of chapter 90; parts and accessories n.e.c. in chapter 90
903300,9033,Machines and appliances, instruments or apparatus of chapter 90; parts and accessories n.e.c. in chapter 90
91,XVIII,Clocks and watches and parts thereof
9101,91,Wrist-watches, pocket-watches, stop-watches and other watches; with case of precious metal or of metal clad with precious metal
910111,9101,Wrist-watches; electrically operated, with or without a stop-watch, with case of precious metal or of metal clad with precious metal, with mechanical display only
910119,9101,Wrist-watches; electrically operated, with or without a stop-watch, with case of precious metal or metal clad with precious metal, without mechanical display
910121,9101,Wrist-watches; (not electrically operated), automatic winding, whether or not incorporating a stop-watch facility, case of precious metal or of metal clad with precious metal
910129,9101,Wrist-watches; (not electrically operated), (not automatic winding), whether or not incorporating a stop-watch facility, case of precious metal or of metal clad with precious metal
910191,9101,Pocket-watches and other watches, including stop-watches; (excluding wrist-watches), with case of precious metal or of metal clad with precious metal, electrically operated
910199,9101,Pocket-watches and other watches, including stop-watches; (excluding wrist-watches), with case of precious metal or of metal clad with precious metal, not electrically operated
9102,91,Wrist-watches, pocket-watches, stop-watches and other watches, other than those of heading no. 9101
910211,9102,Wrist-watches; electrically operated, with or without a stop-watch, (other than those of heading no. 9101) with mechanical display only
910212,9102,Wrist-watches; electrically operated, with or without a stop-watch, (other than those of heading no. 9101) with opto-electronic display only
910219,9102,Wrist-watches; electrically operated, with or without a stop-watch, (other than those of heading no. 9101) without mechanical or opto-electronic display
910221,9102,Wrist-watches; whether or not incorporating a stop-watch facility, with automatic winding
910229,9102,Wrist-watches; whether or not incorporating a stop-watch facility, with other than automatic winding
910291,9102,Pocket watches and other watches, including stop-watches; (excluding wrist-watches), other than those of heading no. 9101, electrically operated
910299,9102,Pocket watches and other watches, including stop-watches; (excluding wrist-watches), other than those of heading no. 9101, other than electrically operated
9103,91,Clocks; with watch movements, excluding clocks of heading no. 9104
910310,9103,Clocks; with watch movements, electrically operated, excluding clocks of heading no. 9104
910390,9103,Clocks; with watch movements, other than electrically operated, excluding clocks of heading no. 9104
9104,91,Instrument panel clocks and clocks of a similar type for vehicles, aircraft, spacecraft or vessels
910400,9104,Clocks; instrument panel clocks and clocks of a similar type for vehicles, aircraft, spacecraft or vessels
9105,91,Clocks, other, n.e.c.
910511,9105,Clocks; (excluding those with watch movements and instrument panel clocks), alarm clocks, electrically operated
910519,9105,Clocks; (excluding those with watch movements and instrument panel clocks), alarm clocks, other than electrically operated
910521,9105,Clocks; (excluding those with watch movements and instrument panel clocks), wall clocks, electrically operated
910529,9105,Clocks; (excluding those with watch movements and instrument panel clocks), wall clocks, other than electrically operated
910591,9105,Clocks; (excluding those with watch movements and instrument panel clocks), (other than alarm or wall clocks), electrically operated
910599,9105,Clocks; (excluding those with watch movements and instrument panel clocks), other than alarm or wall clocks, other than electrically operated
9106,91,Time of day recording apparatus and apparatus for measuring, recording or otherwise indicating intervals of time, with clock, watch movement or synchronous motor
910610,9106,Time recording apparatus; time-registers, time recorders, with clock, watch movement or synchronous motor
910690,9106,Time recording apparatus; with clock or watch movement or with synchronous motor, n.e.c. in heading no. 9106
9107,91,Time switches; with clock, watch movement or synchronous motor
910700,9107,Time switches; with clock, watch movement or synchronous motor
9108,91,Watch movements; complete and assembled
910811,9108,Watch movements; complete and assembled, electrically operated, with mechanical display only or with a device to which a mechanical display can be incorporated
910812,9108,Watch movements; complete and assembled, electrically operated, by means of solar cells, with opto-electronic display
910819,9108,Watch movements; complete and assembled, electrically operated, by means of solar cells, without mechanical display or device including such or opto-electronic display
910820,9108,Watch movements; complete and assembled, with automatic winding
910890,9108,Watch movements; complete and assembled, not automatic winding or electrically operated
9109,91,Clock movements; complete and assembled
910910,9109,Clock movements; complete and assembled, electrically operated
910990,9109,Clock movements; complete and assembled, other than electrically operated
9110,91,Watch or clock movements, complete, unassembled or partly assembled (movement sets); incomplete watch or clock movements, assembled; rough watch or clock movements
911011,9110,Watches; complete movements, unassembled or partly assembled (movement sets)
911012,9110,Watches; incomplete movements, assembled
911019,9110,Watches; rough movements
911090,9110,Clocks; movements, whether or not complete, incomplete, assembled or unassembled
9111,91,Watch cases and parts thereof
911110,9111,Watch cases; of precious metal or of metal clad with precious metal
911120,9111,Watch cases; of base metal, whether or not gold-plated or silver-plated
911180,9111,Watch cases; n.e.c. in heading no. 9111
911190,9111,Watch cases and parts thereof
9112,91,Clock cases and cases of a similar type for other goods of this chapter and parts thereof
911220,9112,Clock cases and similar cases for other goods of chapter 91; other than watch cases
911290,9112,Clock cases and similar cases for other goods of chapter 91; other than watch cases, parts thereof
9113,91,Watch straps, watch bands, watch bracelets and parts thereof
911310,9113,Watch straps, watch bands, watch bracelets, and parts thereof; of precious metal or of metal clad with precious metal
911320,9113,Watch straps, watch bands, watch bracelets, and parts thereof; of base metal, whether or not gold- or silver-plated
911390,9113,Watch straps, watch bands, watch bracelets, and parts thereof; n.e.c. in heading no. 9113
9114,91,Clock or watch parts; n.e.c. in chapter 91
911430,9114,Clock or watch parts; dials
911440,9114,Clock or watch parts; plates and bridges
911490,9114,Clock or watch parts; other than springs (including hair-springs), dials, plates, and bridges
92,XVIII,Musical instruments; parts and accessories of such articles
9201,92,Pianos; including automatic pianos, harpsichords and other keyboard stringed instruments
920110,9201,Musical instruments; pianos, upright, including automatic pianos
920120,9201,Musical instruments; pianos, grand
920190,9201,Musical instruments; harpsichords and other keyboard stringed instruments n.e.c. in heading no. 9201
9202,92,Musical instruments; string, n.e.c. in heading no. 9201, (e.g. guitars, violins, harps)
920210,9202,Musical instruments; string, played with a bow (e.g. violins)
920290,9202,Musical instruments; string, played other than with a bow (e.g. guitars and harps)
9205,92,Musical instruments; wind (e.g. keyboard pipe organs, accordions, clarinets, trumpets, bagpipes), other than fairground organs and mechanical street organs
920510,9205,Musical instruments; brass-wind (e.g. trumpets), other than fairground organs and mechanical street organs
920590,9205,Musical instruments; wind, other than brass, (eg. clarinet, bagpipes, pipe organs), other than fairground organs and mechanical street organs
9206,92,Musical instruments; percussion (e.g. drums, xylophones, cymbals, castanets, maracas)
920600,9206,Musical instruments; percussion (e.g. drums, xylophones, cymbals, castanets, maracas)
9207,92,Musical instruments; the sound of which is produced or must be amplified, electrically (e.g. organs, guitars, accordions)
920710,9207,Musical instruments; keyboard, (other than accordions), the sound of which is produced or must be amplified electrically
920790,9207,Musical instruments; (other than keyboard), the sound of which is produced or must be amplified electrically
9208,92,Musical boxes, fairground and mechanical street organs, mechanical singing birds, musical saws and musical instruments n.e.c. in chapter 92; decoy calls of all kinds; whistles; call horns and other mouth-blown sound signalling instruments
920810,9208,Musical boxes
920890,9208,Fairground and mechanical street organs, mechanical singing birds, musical saws and musical instruments n.e.c. in chapter 92; decoy calls of all kinds; whistles; call horns and other mouth-blown sound signalling instruments
9209,92,Musical instrument parts (for example, mechanisms for musical boxes) and accessories (for example, cards, discs and rolls for mechanical instruments); metronomes, tuning forks and pitch pipes
920930,9209,Musical instrument strings
920991,9209,Musical instruments; parts and accessories for pianos
920992,9209,Musical instruments; parts and accessories for string musical instruments other than keyboard instruments
920994,9209,Musical instruments; parts and accessories for the musical instruments the sound of which is produced or must be amplified electrically (e.g. organs, guitars and accordions)
920999,9209,Musical instruments; parts and accessories for musical instruments n.e.c. in heading no. 9209; metronomes, tuning forks and pitch pipes
93,XIX,Arms and ammunition; parts and accessories thereof
9301,93,Military weapons; other than revolvers, pistols and arms of heading no. 9307
930110,9301,Military weapons; artillery weapons (e.g. guns, howitzers, and mortars)
930120,9301,Military weapons; rocket launchers, flame-throwers, grenade launchers, torpedo tubes and similar projectors
930190,9301,Military weapons; other than revolvers, pistols, and arms of heading 9307, n.e.c. in heading 9301
9302,93,Revolvers and pistols; other than those of heading no. 9303 or 9304
930200,9302,Revolvers and pistols; other than those of heading no. 9303 or 9304
9303,93,Firearms; other similar devices (e.g. sporting shotguns and rifles, muzzle-loading firearms, very pistols, devices for firing flares or blank ammunition, captive bolt humane killers, line throwing guns)
930310,9303,Firearms; muzzle-loading
930320,9303,Firearms; sporting, hunting or target-shooting shotguns, including combination shotgun-rifles
930330,9303,Firearms; sporting, hunting or target-shooting rifles n.e.c. in heading no. 9303
930390,9303,Firearms; n.e.c. in heading no. 9303
9304,93,Firearms; (e.g. spring, air or gas guns and pistols, truncheons), excluding those of heading no. 9307
930400,9304,Firearms; (e.g. spring, air or gas guns and pistols, truncheons), excluding those of heading no. 9307
9305,93,Firearms; parts and accessories of articles of heading no. 9301 to 9304
930510,9305,Firearms; parts and accessories, of revolvers or pistols
930520,9305,Firearms; parts and accessories, of shotguns or rifles of heading 9303
930591,9305,Firearms; parts and accessories, of military weapons of heading 9301
930599,9305,Firearms; parts and accessories, of firearms other than the military weapons of heading 9301
9306,93,Bombs, grenades, torpedoes, mines, missiles and similar munitions of war and parts thereof; cartridges and other ammunition, projectiles and parts thereof, including shot and cartridge wads
930621,9306,Ammunition; shotgun cartridges
930629,9306,Ammunition; parts of shotgun cartridges
930630,9306,Ammunition; cartridges and parts thereof n.e.c. in heading no. 9306
930690,9306,Ammunition; n.e.c. in chapter 93
9307,93,Arms; swords, cutlasses, bayonets, lances and the like, parts thereof and scabbards and sheaths therefor
930700,9307,Arms; swords, cutlasses, bayonets, lances and the like, parts thereof and scabbards and sheaths therefor
94,XX,Furniture; bedding, mattresses, mattress supports, cushions and similar stuffed furnishings; lamps and lighting fittings, n.e.c.; illuminated signs, illuminated name-plates and the like; prefabricated buildings
9401,94,Seats (not those of heading no. 9402), whether or not convertible into beds and parts thereof
940110,9401,Seats; of a kind used for aircraft
940120,9401,Seats; of a kind used for motor vehicles
940131,9401,Seats; swivel with variable height adjustment of wood, excluding medical, surgical, dental, veterinary or barber furniture
940139,9401,Seats; swivel with variable height adjustment of other than wood, excluding medical, surgical, dental, veterinary or barber furniture
940141,9401,Seats; convertible into beds of wood, other than garden seats or camping equipment
940149,9401,Seats; convertible into beds of other than wood, other than garden seats or camping equipment
940152,9401,Seats; of bamboo
940153,9401,Seats; of rattan
940159,9401,Seats; of cane, osier or similar materials, other than bamboo or rattan
940161,9401,Seats; with wooden frames, upholstered, (excluding medical, surgical, dental, veterinary or barber furniture)
940169,9401,Seats; with wooden frames, not upholstered, (excluding medical, surgical, dental, veterinary or barber furniture)
940171,9401,Seats; with metal frames, upholstered, (excluding medical, surgical, dental, veterinary or barber furniture)
940179,9401,Seats; with metal frames, not upholstered, (excluding medical, surgical, dental, veterinary or barber furniture)
940180,9401,Seats; n.e.c. in heading no. 9401, (excluding medical, surgical, dental, veterinary or barber furniture)
940191,9401,Seats; parts, of wood, (other than for use in the assembly of motor vehicles as determined by the minister, other than automotive)
940199,9401,Seats; parts, (of other than wood) for use in the assembly of motor vehicles as determined by the minister
9402,94,Furniture; medical, surgical, dental or veterinary (e.g. operating tables, hospital beds, dentists' chairs) barbers' chairs; parts
940210,9402,Chairs; dentists', barbers' or similar chairs having rotating as well as both reclining and elevating movements, and parts thereof
940290,9402,Furniture; for medical, surgical, veterinary use (e.g. operating tables, examination tables, hospital beds with mechanical fittings) and parts thereof
9403,94,Furniture and parts thereof, n.e.c. in chapter 94
940310,9403,Furniture; metal, for office use
940320,9403,Furniture; metal, other than for office use
940330,9403,Furniture; wooden, for office use
940340,9403,Furniture; wooden, for kitchen use
940350,9403,Furniture; wooden, for bedroom use
940360,9403,Furniture; wooden, other than for office, kitchen or bedroom use
940370,9403,Furniture; plastic
940382,9403,Furniture; of bamboo
940383,9403,Furniture; of rattan
940389,9403,Furniture; of cane, osier, or similar materials (other than bamboo or rattan)
940391,9403,Furniture; parts, of wood
940399,9403,Furniture; parts, of other than wood
9404,94,Mattress supports; articles of bedding (e.g. mattresses, quilts, eiderdowns, cushions pouffes and pillows), fitted with springs or stuffed, whether or not covered
940410,9404,Mattress supports
940421,9404,Mattresses; of cellular rubber or plastics, whether or not covered
940429,9404,Mattresses; of other materials, not cellular rubber or plastics
940430,9404,Sleeping bags
940440,9404,Quilts, bedspreads, eiderdowns and duvets (comforters)
940490,9404,Bedding and similar furnishing articles; n.e.c. in heading no. 9404 (e.g. quilts, eiderdowns, cushions, pouffes and pillows)
9405,94,Luminaires and light fittings; including searchlights, spotlights and parts thereof, n.e.c.; illuminated signs, name-plates and the like, having permanently fixed light source and parts thereof n.e.c. or included
940511,9405,Luminaires and light fittings; chandeliers and electric ceiling or wall light fittings; (excluding those used for lighting public open spaces or thoroughfares), for use solely with light-emitting diode (LED) light sources
940519,9405,Chandeliers and electric ceiling or wall light fittings; (excluding those used for lighting public open spaces or thoroughfares), for use other than with light-emitting diode (LED) light sources
940521,9405,Luminaires and light fittings; electric, table, desk, bedside or floor-standing, for use solely with light-emitting diode (LED) light sources
940529,9405,Luminaires and light fittings; electric, table, desk, bedside or floor-standing, for other than use solely with light-emitting diode (LED) light sources
940531,9405,Luminaires and light fittings; electric, lighting strings of a kind used for Christmas trees, for use solely with light-emitting diode (LED) light sources
940539,9405,Luminaires and light fittings; electric, lighting strings of a kind used for Christmas trees, for other than use solely with light-emitting diode (LED) light sources
940541,9405,Luminaires and light fittings; electric, photovoltaic, designed for use solely with light-emitting diode (LED) light sources
940542,9405,Luminaires and light fittings; electric, designed for use solely with light-emitting diode (LED) light sources
940549,9405,Luminaires and light fittings; electric, designed for other than use solely with light-emitting diode (LED) light sources
940550,9405,Luminaires and light fittings; non-electric
940561,9405,Luminaires; illuminated signs, illuminated name-plates and the like, designed for use solely with light-emitting diode (LED) light sources
940569,9405,Luminaires; illuminated signs, illuminated name-plates and the like, designed for other than use solely with light-emitting diode (LED) light sources
940591,9405,Lamps and light fittings; parts thereof, of glass
940592,9405,Lamps and light fittings; parts thereof, of plastics
940599,9405,Lamps and light fittings; parts thereof, of materials other than glass or plastics
9406,94,Buildings; prefabricated
940610,9406,Buildings; prefabricated, of wood
940620,9406,Buildings; modular building units, of steel
940690,9406,Buildings; prefabricated, not of wood
95,XX,Toys, games and sports requisites; parts and accessories thereof
9503,95,Tricycles, scooters, pedal cars and similar wheeled toys; dolls' carriages; dolls; other toys; reduced-size (scale) models and similar recreational models, working or not; puzzles of all kinds
950300,9503,Tricycles, scooters, pedal cars and similar wheeled toys; dolls' carriages; dolls; other toys; reduced-size (scale) models and similar recreational models, working or not; puzzles of all kinds
9504,95,Video game consoles and machines, articles for funfair, table or parlour games, including pintables, billiards, special tables for casino games and automatic bowling alley equipment
950420,9504,Billiard articles and accessories of all kinds
950430,9504,Games; operated by coins, banknotes, bank cards, tokens or by other means of payment, other than billiard articles and accesssories, and automatic bowling alley equipment
950440,9504,Games; playing cards
950450,9504,Games; video game consoles and machines, other than those of subheading 9504.30
950490,9504,Games; articles for funfair, table or parlour games, including pintables, special tables for casino games, automatic bowling alley equipment, n.e.c. in heading 9504
9505,95,Festive, carnival or other entertainment articles, including conjuring tricks and novelty jokes
950510,9505,Christmas festivity articles
950590,9505,Festive, carnival or other entertainment articles including novelty jokes and conjuring tricks; other than Christmas festivity articles
9506,95,Gymnastics, athletics, other sports (including table tennis) or outdoor games equipment, n.e.c. in this chapter, swimming pools and paddling pools
950611,9506,Skis; for snow
950612,9506,Ski-fastenings (ski-bindings); for snow-skis
950619,9506,Snow-ski equipment
950621,9506,Sailboards; for water sport
950629,9506,Water sport equipment; water-skis, surf-boards and other water-sport equipment, excluding sailboards
950631,9506,Golf clubs; complete
950632,9506,Golf balls
950639,9506,Golf equipment; other than clubs and balls
950640,9506,Table-tennis articles and equipment
950651,9506,Lawn-tennis rackets; whether or not strung
950659,9506,Tennis, badminton and similar rackets; whether or not strung
950661,9506,Lawn-tennis balls
950662,9506,Balls; inflatable
950669,9506,Balls; (other than inflatable or for lawn-tennis, golf or table-tennis)
950670,9506,Skates; ice and roller, including skating boots with skates attached
950691,9506,Athletics and gymnastics equipment
950699,9506,Equipment for outdoor games and recreation n.e.c. in heading no. 9506
9507,95,Fishing rods, fish-hooks and other line fishing tackle; fish landing nets and the like; decoy birds (not those of heading no. 9208 or 9705) and similar hunting or shooting requisites
950710,9507,Fishing rods
950720,9507,Fish-hooks; whether or not snelled
950730,9507,Fishing reels
950790,9507,Fishing tackle n.e.c., butterfly nets, decoy birds (other than those of heading no. 9208 or 9705) and similar hunting or shooting requisites
9508,95,Travelling circuses and travelling menageries, amusement park rides and water park amusements, fairground amusements, including shooting galleries and travelling theatres
950810,9508,Travelling circuses and travelling menageries
950821,9508,Amusement park rides and water park amusements; Roller coasters
950822,9508,Amusement park rides and water park amusements; carousels, swings and roundabouts
950823,9508,Amusement park rides and water park amusements; dodge'em cars
950824,9508,Amusement park rides and water park amusements; motion simulators and moving theatres
950825,9508,Amusement park rides and water park amusements; water rides
950826,9508,Amusement park rides and water park amusements; water park amusements
950829,9508,Amusement park rides and water park amusements; other than roller coasters, carousels, swings, roundabouts, dodge'em cars, motion simulators and moving theatres, water rides and water park amusements
950830,9508,Fairground amusements; including shooting galleries
950840,9508,Travelling theatres
96,XX,Miscellaneous manufactured articles
9601,96,Ivory, bone, tortoise-shell, horn, antlers, coral, mother-of-pearl and other animal carving material and articles of these materials; worked, (including articles obtained by moulding)
960110,9601,Ivory and articles thereof; worked
960190,9601,Bone, tortoise shell, horn, antlers, coral, mother-of-pearl and other animal carving material and articles thereof (including articles obtained by moulding)
9602,96,Vegetable, mineral carving material and articles of these materials, moulded or carved articles of wax, stearin, natural gums, resins or modelling pastes, worked unhardened gelatin (not heading no. 3503)
960200,9602,Vegetable, mineral carving material and articles of these materials, moulded or carved articles of wax, stearin, natural gums, resins or modelling pastes, worked unhardened gelatin (not heading no. 3503)
9603,96,Brooms, brushes (including parts of machines), hand operated floor sweepers, mops and feather dusters; knots and tufts for broom or brush making; paint pads and rollers; squeegees
960310,9603,Brooms and brushes; consisting of twigs or other vegetable materials bound together, with or without handles
960321,9603,Brushes; toothbrushes
960329,9603,Brushes; shaving, hair, nail, eyelash and other toilet brushes for use on the person, including brushes as parts of appliances
960330,9603,Brushes; artists' brushes, writing brushes and similar brushes for the application of cosmetics
960340,9603,Brushes; paint, distemper, varnish or similar brushes (not those of item no. 9603.30), paint pads and rollers
960350,9603,Brushes; constituting parts of machines, appliances or vehicles
960390,9603,Brooms, brushes, mops, feather dusters, squeegees, hand operated mechanical floor sweepers; (not motorised), prepared knots and tufts for brooms or brush making n.e.c.
9604,96,Hand sieves and hand riddles
960400,9604,Hand sieves and hand riddles
9605,96,Travel sets; for personal toilet, sewing, shoe or clothes cleaning
960500,9605,Travel sets; for personal toilet, sewing, shoe or clothes cleaning
9606,96,Buttons, press-fasteners, snap-fasteners and press-studs, button moulds and other parts of these articles; button blanks
960610,9606,Press-fasteners, snap-fasteners, press-studs and parts therefor
960621,9606,Buttons; of plastics, not covered with textile material
960622,9606,Buttons; of base metal, not covered with textile material
960629,9606,Buttons; of other than base metal or plastics, not covered with textile material
960630,9606,Button moulds and other parts of buttons; button blanks
9607,96,Slide fasteners and parts thereof
960711,9607,Slide fasteners; fitted with chain scoops of base metal
960719,9607,Slide fasteners; other than those fitted with chain scoops of base metal
960720,9607,Slide fasteners; parts
9608,96,Pens; ball-point, felt tipped, other porous tipped pens; fountain pens, stylograph pens duplicating stylos, propelling or sliding pencils; parts of the foregoing, excluding those of heading no. 9609
960810,9608,Pens; ball point
960820,9608,Pens; felt tipped and other porous-tipped pens and markers
960830,9608,Pens; fountain, stylograph and other pens
960840,9608,Pencils; propelling or sliding
960850,9608,Pen and pencil sets; of articles from two or more of the foregoing sub-headings
960860,9608,Pens; ball-point, refills comprising the ball point and ink-reservoir
960891,9608,Pens; nibs and nib points
960899,9608,Pens and pencils; duplicating stylos, pen-holders, pencil-holders, and similar holders, parts of the articles of heading 9608, including caps and clips
9609,96,Pencils (not of heading no. 9608), crayons, pencil leads, pastels, drawing charcoals, writing or drawing chalks and tailors' chalks
960910,9609,Pencils and crayons; with leads encased in sheath
960920,9609,Pencil leads; black or coloured
960990,9609,Pastels, drawing charcoals, writing or drawing chalks, tailors' chalk
9610,96,Slates and boards, with writing or drawing surfaces, whether or not framed
961000,9610,Slates and boards; with writing or drawing surfaces, whether or not framed
9611,96,Stamps; date, numbering, sealing stamps and the like (including devices for printing or embossing labels), designed for operating by hand; hand operated composing sticks and printing sets
961100,9611,Stamps; date, numbering, sealing stamps and the like (including devices for printing or embossing labels), designed for operating by hand; hand operated composing sticks and printing sets
9612,96,Typewriter, similar ribbons, inked, otherwise prepared for giving impressions, whether or not on spools or in cartridges; ink pads, whether or not inked, with or without boxes
961210,9612,Ribbons; for typewriters and the like, inked or otherwise prepared, for giving impressions, whether or not on spools or in cartridges
961220,9612,Ink pads; whether or not inked, with or without boxes
9613,96,Cigarette lighters and other lighters, whether or not mechanical or electrical and parts thereof other than flints and wicks
961310,9613,Lighters; pocket, cigarette, gas fuelled, non-refillable
961320,9613,Lighters; pocket, cigarette, gas fuelled, refillable
961380,9613,Lighters; whether or not mechanical or electrical, n.e.c. in heading no. 9613
961390,9613,Lighters; parts for cigarette lighters and other lighters, whether or not mechanical or electrical, other than flints and wicks
9614,96,Smoking pipes (including pipe bowls) and cigar or cigarette holders, and parts thereof
961400,9614,Smoking pipes (including pipe bowls) and cigar or cigarette holders, and parts thereof
9615,96,Combs, hair-slides and similar; hairpins, curling pins, curling grips and hair curlers and the like, other than those of heading no. 8516 and parts thereof
961511,9615,Combs, hair slides and the like; of hard rubber or plastics
961519,9615,Combs, hair slides and the like; of other than hard rubber or plastics
961590,9615,Hairpins, curling pins, curling grips, hair curlers and the like (not those of heading no. 8516) and parts thereof
9616,96,Scent sprays and similar toilet sprays and mounts and heads therefor; powder-puffs and pads for the application of cosmetics or toilet preparations
961610,9616,Scent sprays and similar toilet sprays, and mounts and heads therefor
961620,9616,Powder puffs and pads; for the application of cosmetics or toilet preparations
9617,96,Vacuum flasks and other vacuum vessels, complete with cases; parts thereof other than glass inners
961700,9617,Vacuum flasks and other vacuum vessels, complete with cases; parts thereof other than glass inners
9618,96,Tailors' dummies and other lay figures; automata and other animated displays used for shop window dressing
961800,9618,Tailors' dummies and other lay figures; automata and other animated displays used for shop window dressing
9619,96,Sanitary towels (pads) and tampons, napkins (diapers), napkin liners and similar articles, of any material
961900,9619,Sanitary towels (pads) and tampons, napkins (diapers), napkin liners and similar articles, of any material
9620,96,Monopods, bipods, tripods and similar articles
962000,9620,Monopods, bipods, tripods and similar articles
97,XXI,Works of art; collectors' pieces and antiques
9701,97,Paintings, drawings and pastels, executed entirely by hand; not drawings of heading no. 4906 and not hand-painted, hand-decorated manufactured articles; collages, mosaics and similar decorative plaques
970121,9701,Paintings, drawings and pastels; executed entirely by hand, other than drawings of heading no. 4906, of an age exceeding 100 years
970122,9701,Mosaics; executed entirely by hand, other than drawings of heading no. 4906, of an age exceeding 100 years
970129,9701,Artwork; other than paintings, drawings, pastels mosaics, executed entirely by hand, other than drawings of heading no. 4906, of an age exceeding 100 years
970191,9701,Paintings, drawings and pastels; executed entirely by hand, other than drawings of heading no. 4906, of an age not exceeding 100 years
970192,9701,Mosaics; executed entirely by hand, other than drawings of heading no. 4906, of an age not exceeding 100 years
970199,9701,Artwork; other than paintings, drawings, pastels mosaics, executed entirely by hand, other than drawings of heading no. 4906, of an age not exceeding 100 years
9702,97,Engravings, prints and lithographs; original
970210,9702,Engravings, prints and lithographs; original of an age exceeding 100 years
970290,9702,Engravings, prints and lithographs; original of an age not exceeding 100 years
9703,97,Sculptures and statuary; original, in any material
970310,9703,Sculptures and statuary; original, in any material, of an age exceeding 100 years
970390,9703,Sculptures and statuary; original, in any material, of an age not exceeding 100 years
9704,97,Stamps, postage or revenue; stamp-postmarks, first-day covers, postal stationery (stamped paper) and like, used or unused, other than those of heading 4907
970400,9704,Stamps, postage or revenue; stamp-postmarks, first-day covers, postal stationery (stamped paper) and like, used or unused, other than those of heading 4907
9705,97,Collections and collectors' pieces; of archaeological, ethnographic, historical, zoological, botanical, mineralogical, anatomical, palaeontological or numismatic interest
970510,9705,Collections and collectors' pieces; of archaeological, ethnographic or historical interest
970521,9705,Collections and collectors' pieces; of zoological, botanical, mineralogical, anatomical or palaeontological interest, human specimens and parts thereof
970522,9705,Collections and collectors' pieces; of zoological, botanical, mineralogical, anatomical or palaeontological interest, extinct or endangered species and parts thereof
970529,9705,Collections and collectors' pieces; of zoological, botanical, mineralogical, anatomical or palaeontological interest, other than human species, extinct or endangered species and parts thereof
970531,9705,Collections and collectors' pieces; of numismatic interest, of an age exceeding 100 years
970539,9705,Collections and collectors' pieces; of numismatic interest, of an age not exceeding 100 years
9706,97,Antiques; of an age exceeding one hundred years
970610,9706,Antiques; of an age exceeding 250 years
970690,9706,Antiques; of an age exceeding 100 years but not exceeding 250 years
`;
