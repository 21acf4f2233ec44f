"""Two views: the cheapest possible answer, and a page of about 15 KB rendered from a template
(a guide to a community garden: a base layout, navigation, sections, a table and a list of
related guides), with no database and no cache."""

from django.http import HttpResponse
from django.shortcuts import render

SECTIONS = [
    (
        "Choosing a plot",
        [
            "Plots on the south slope get sun from mid-morning until the late afternoon, which "
            "suits tomatoes, beans and squash. The lower terraces stay damp into June and are "
            "the better choice for leafy crops that bolt in dry heat.",
            "Every plot comes with a water tap within thirty metres and a shared tool shed. "
            "Raised beds are available for gardeners who prefer not to kneel; ask at the "
            "office on a Saturday morning and we will show you the free ones.",
            "If you are new to growing food, start with half a plot. It is easier to keep a "
            "small patch weeded through August than to rescue a large one in September.",
        ],
    ),
    (
        "Preparing the soil",
        [
            "Most beds have been worked for years and need little more than a layer of "
            "compost in early spring. Spread it five centimetres deep and let the worms do "
            "the digging; turning the soil over brings buried weed seeds up to the light.",
            "Heavy clay near the stream drains slowly. Add coarse sand and leaf mould in the "
            "autumn, never when the ground is wet enough to stick to your boots.",
            "A simple test tells you a lot: squeeze a handful of soil. If it holds a shape "
            "and then crumbles when poked, it is ready to plant.",
        ],
    ),
    (
        "Water and mulch",
        [
            "Water in the early morning, at the base of the plants, and less often but more "
            "deeply. A long soak twice a week grows deeper roots than a sprinkle every day.",
            "Straw, shredded leaves and grass clippings all make good mulch. Keep it a hand's "
            "width away from stems so that slugs have nowhere to hide next to your seedlings.",
            "The rain barrels by the shed are shared. Please close the lid after use so that "
            "mosquitoes cannot breed in them over the summer.",
        ],
    ),
    (
        "Pests without poison",
        [
            "Nets over brassicas keep the cabbage white butterflies off far better than any "
            "spray. Put them up as soon as you plant and leave them until the autumn.",
            "Marigolds and nasturtiums at the ends of a row draw aphids away from beans and "
            "bring in hoverflies, whose larvae eat the aphids in turn.",
            "Collect slugs in the evening after rain and take them to the wild patch beyond "
            "the hedge. Beer traps work too, but need emptying every couple of days.",
        ],
    ),
    (
        "Sharing the harvest",
        [
            "Surplus vegetables can go on the table by the gate every Sunday. Neighbours take "
            "what they need, and the food bank collects whatever is left at five o'clock.",
            "Seed saving starts in late summer. Let one or two of your best plants go to seed, "
            "dry the pods indoors and bring labelled envelopes to the swap in February.",
            "Please leave paths clear of tools and produce crates: the garden is used by "
            "people with prams and wheelchairs, and the paths are their only way through.",
        ],
    ),
    (
        "Tools and the shed",
        [
            "The shed holds spades, forks, rakes, hoes, two wheelbarrows and a strimmer that "
            "only trained members may use. Sign tools out on the board and back in the same day.",
            "Clean the soil off before hanging a tool up; a bucket of sand with a little oil in "
            "it by the door keeps blades from rusting over the winter.",
            "Broken handles and blunt edges go in the red crate. The Thursday volunteers repair "
            "what can be repaired and order replacements for the rest.",
            "The shed code changes every spring and is sent to members by post, never by email "
            "or on the notice board.",
        ],
    ),
    (
        "The garden calendar",
        [
            "The work days below are open to everyone, members or not. Gloves and tea are "
            "provided; bring sturdy shoes and a coat, as the weather on the hill turns fast.",
        ],
    ),
]

CALENDAR = [
    ("March", "Compost spreading and bed repairs", "Main shed"),
    ("April", "Seedling swap and potato planting", "Greenhouse"),
    ("May", "Path edging and hedge survey", "North gate"),
    ("June", "Open garden day for the neighbourhood", "Whole site"),
    ("August", "Harvest supper and seed collecting", "Orchard"),
    ("October", "Leaf mould bays and bulb planting", "Wild patch"),
]

SEASONS = [
    ("January", "Onions and leeks indoors", "Nothing yet", "Leeks, parsnips, kale"),
    ("February", "Peppers and chillies indoors", "Garlic, shallots", "Leeks, sprouts"),
    ("March", "Tomatoes indoors, peas outside", "Early potatoes", "Purple sprouting broccoli"),
    ("April", "Carrots, beetroot, lettuce", "Onion sets, strawberries", "Rhubarb"),
    ("May", "Beans, courgettes under cover", "Brassica seedlings", "Radishes, salad leaves"),
    ("June", "Late carrots, chard", "Tomatoes, squash, beans", "Peas, early potatoes"),
    ("July", "Spring cabbage, fennel", "Leeks", "Courgettes, beans, berries"),
    ("August", "Winter salads, spinach", "Strawberry runners", "Tomatoes, sweetcorn"),
    ("September", "Green manure on empty beds", "Autumn onions", "Squash, apples, maincrop"),
    ("October", "Broad beans", "Garlic", "Pumpkins, late apples, pears"),
    ("November", "Nothing; rest the beds", "Bare-root fruit bushes", "Parsnips, sprouts"),
    ("December", "Nothing; order seeds", "Nothing", "Leeks, kale, stored roots"),
]

RELATED = [
    ("Growing beans up a wigwam", "Cheap supports from hazel poles, and when to pick."),
    ("Winter salads under cover", "Lettuce, rocket and mizuna from November to March."),
    ("Building a compost bay", "Three pallets, a few screws and a spare afternoon."),
    ("Fruit bushes for small plots", "Currants and gooseberries that crop in partial shade."),
    ("Saving tomato seed", "Fermenting, drying and storing seed that breeds true."),
    ("Gardening with children", "Quick crops and small jobs that keep young hands busy."),
    ("Tools worth buying", "A spade, a hoe and a good pair of secateurs go a long way."),
    ("Wildlife corners", "Log piles, ponds and long grass for the garden's helpers."),
]


def hello(request):
    return HttpResponse("Hello, world.")


def page(request):
    context = {
        "title": "A season in the community garden",
        "sections": SECTIONS,
        "calendar": CALENDAR,
        "seasons": SEASONS,
        "related": RELATED,
    }
    return render(request, "baseline/page.html", context)
